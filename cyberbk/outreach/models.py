"""Outreach: the service info, the guide and its video, materials with their files, and RPLs.

Texts left empty fall back to the built-in (translated) defaults in `content.py`, so a
fresh school shows a complete service page before anyone has edited it.
"""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..common.schooltime import utcnow
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..extensions import enum_column



class VideoSource(str, enum.Enum):
    NONE = "none"
    UPLOAD = "upload"
    YOUTUBE = "youtube"


class MaterialStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ServiceComponent(str, enum.Enum):
    """Komponen layanan (Permendikbud 111/2014, Pasal 6)."""

    BASIC = "basic"
    PLANNING = "planning"
    RESPONSIVE = "responsive"
    SYSTEM = "system"


class OutreachSettings(db.Model):
    """One row: what counselors wrote for the service page, the guide video, the poster."""

    __tablename__ = "outreach_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Markdown sections of /layanan.
    about: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    counselor_role: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    principles: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reach: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    video_source: so.Mapped[VideoSource] = so.mapped_column(enum_column(VideoSource),
                                                            default=VideoSource.NONE)
    #: Under instance/uploads/outreach/; a new upload gets a new name, so URLs can be cached.
    video_filename: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    video_bytes: so.Mapped[int | None]
    video_poster_filename: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: WebVTT captions of an uploaded video (the generated demo guide has them).
    video_captions_filename: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    youtube_id: so.Mapped[str | None] = so.mapped_column(sa.String(11))
    poster_headline: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    poster_tagline: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class GuideStep(db.Model):
    """A stage of cyber counseling on /panduan; no rows means the built-in steps."""

    __tablename__ = "outreach_guide_steps"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    title: so.Mapped[str] = so.mapped_column(sa.String(80))
    body: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    icon: so.Mapped[str] = so.mapped_column(sa.String(16), default="masuk")


class ServicePlan(db.Model):
    """An RPL (rencana pelaksanaan layanan) with the standard sections."""

    __tablename__ = "outreach_plans"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True
    )
    semester: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    component: so.Mapped[ServiceComponent] = so.mapped_column(
        enum_column(ServiceComponent), default=ServiceComponent.BASIC)
    field: so.Mapped[ServiceField | None] = so.mapped_column(enum_column(ServiceField))
    function: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    general_goal: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    specific_goals: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    topic: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    target_group: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    method: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    duration: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    media: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    held_on: so.Mapped[date | None]
    sources: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    opening: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    core: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closing: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    process_evaluation: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    outcome_evaluation: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The row of the BK programme this RPL carries out (opened from it), or None.
    programme_row_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("programme_rows.id", ondelete="SET NULL"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    school_class: so.Mapped[SchoolClass | None] = so.relationship()
    author: so.Mapped[User | None] = so.relationship()
    # By name: the programme's models import these (ServiceComponent), not the reverse.
    programme_row: so.Mapped["ProgrammeRow | None"] = so.relationship("ProgrammeRow")


class Material(db.Model):
    """A page of material in Markdown; `---` lines split it into slides."""

    __tablename__ = "outreach_materials"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[MaterialStatus] = so.mapped_column(
        enum_column(MaterialStatus), default=MaterialStatus.DRAFT, index=True)
    plan_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outreach_plans.id", ondelete="SET NULL"), index=True
    )
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    published_at: so.Mapped[datetime | None]

    plan: so.Mapped[ServicePlan | None] = so.relationship()
    author: so.Mapped[User | None] = so.relationship()
    attachments: so.Mapped[list["MaterialAttachment"]] = so.relationship(
        back_populates="material", order_by="MaterialAttachment.id",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    #: The pages of a PDF (or PPTX) uploaded as its slides; none: the Markdown's slides.
    pages: so.Mapped[list["SlidePage"]] = so.relationship(
        back_populates="material", order_by="SlidePage.number",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def is_published(self):
        return self.status == MaterialStatus.PUBLISHED


class MaterialAttachment(db.Model):
    """A file to download with a material (PDF, PPTX, DOCX) or an image to show in it."""

    __tablename__ = "outreach_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    material_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("outreach_materials.id", ondelete="CASCADE"), index=True
    )
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(160))
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    size: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    material: so.Mapped[Material] = so.relationship(back_populates="attachments")


class SlidePage(db.Model):
    """A page of a material's slide file, rendered once to images (media.render_pdf)."""

    __tablename__ = "outreach_slide_pages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    material_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("outreach_materials.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[int]
    #: The JPEGs under instance/uploads/outreach/, 640 and 1280 pixels wide.
    small_name: so.Mapped[str] = so.mapped_column(sa.String(64))
    large_name: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: Of the 1280-wide image; the 640 one is half as high.
    height: so.Mapped[int] = so.mapped_column(default=720)
    #: The page's text (pdftotext), what a screen reader reads for the image.
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The attachment that holds the file the pages came from.
    source_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outreach_attachments.id", ondelete="SET NULL"))

    material: so.Mapped[Material] = so.relationship(back_populates="pages")
    source: so.Mapped[MaterialAttachment | None] = so.relationship()
