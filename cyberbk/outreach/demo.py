"""Outreach in the demo school: the seed's lesson on BK and the Guru BK's role, with its RPL."""

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import User
from ..common.schooltime import utcnow
from ..common.vocabulary import ServiceField
from ..extensions import db
from . import content
from .models import Material
from .models import MaterialStatus
from .models import ServicePlan

LESSON = """# Mengenal layanan BK dan Guru BK

Kenalan dulu, yuk: apa yang bisa kamu dapat dari ruang BK?

---

## BK itu apa?

- **Bimbingan dan konseling**: layanan sekolah untuk membantu kamu berkembang.
- Bukan hanya untuk siswa yang "bermasalah". Semua siswa boleh datang.
- Tujuannya supaya kamu bisa memahami diri, mengambil keputusan, dan mandiri.

---

## Empat bidang layanan

| Bidang | Contoh yang bisa diceritakan |
|---|---|
| Pribadi | perasaan, percaya diri, keluarga |
| Sosial | teman, pergaulan, dirundung |
| Belajar | cara belajar, nilai, tugas |
| Karier | cita-cita, sekolah lanjutan |

---

## Peran Guru BK

1. Mendengarkan tanpa menghakimi.
2. Membantu kamu memahami masalah.
3. Menemanimu mencari jalan keluar.
4. Menghubungkan dengan bantuan lain kalau perlu, dengan persetujuanmu.

---

## Ceritamu aman

- **Rahasia**: hanya Guru BK yang tahu.
- **Atas kemauanmu sendiri**: tidak ada paksaan, tidak ada hukuman.
- Satu batas: kalau ada bahaya untuk dirimu atau orang lain, Guru BK wajib mencari
  bantuan untuk melindungimu.

---

## Cara menghubungi Guru BK dari HP

- **Kotak masalah**: tulis tanpa nama di [/kotak](/kotak).
- **Jadwal**: pilih waktu chat atau video di [/jadwal](/jadwal).
- **Angket**: isi tautan yang dibagikan wali kelas.

Lihat panduannya di [/panduan](/panduan). Sampai ketemu di ruang BK!
"""


def seed():
    counselor = db.session.scalar(sa.select(User).where(User.role == Role.COUNSELOR)
                                  .order_by(User.id))
    plan = ServicePlan(
        title="Mengenal layanan BK dan peran Guru BK", semester="Ganjil 2025/2026",
        field=ServiceField.PERSONAL, topic="Layanan BK dan peran Guru BK di sekolah",
        target_group="Siswa kelas 7",
        general_goal="Siswa memahami layanan BK dan peran Guru BK, sehingga mau memanfaatkan "
                     "layanan konseling, juga secara daring.",
        specific_goals="1. Siswa dapat menyebutkan empat bidang layanan BK.\n"
                       "2. Siswa dapat menjelaskan asas kerahasiaan dan kesukarelaan.\n"
                       "3. Siswa tahu tiga cara menghubungi Guru BK dari HP.",
        sources="Permendikbud Nomor 111 Tahun 2014 tentang Bimbingan dan Konseling pada "
                "Pendidikan Dasar dan Pendidikan Menengah.",
        author=counselor,
        **{key: str(text) for key, text in content.PLAN_DEFAULTS.items()},
    )
    db.session.add(plan)
    db.session.add(Material(
        slug="mengenal-layanan-bk", title="Mengenal layanan BK dan Guru BK",
        summary="Materi bimbingan klasikal: apa itu BK, peran Guru BK, dan cara menghubunginya "
                "dari HP.",
        body=LESSON, status=MaterialStatus.PUBLISHED, published_at=utcnow(), plan=plan,
        author=counselor))
