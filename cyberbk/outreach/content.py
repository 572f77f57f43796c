"""Built-in texts: what a school shows before its counselors write their own.

They are translated like the rest of the interface; text a counselor saved is shown
as written.
"""

from flask_babel import lazy_gettext as _l

SERVICE_SECTIONS = {
    "about": (
        _l("Apa itu layanan BK?"),
        _l("Bimbingan dan konseling (BK) adalah layanan sekolah yang membantu kamu mengenal "
           "dirimu, menghadapi masalah, dan merencanakan masa depan. BK bukan hanya untuk siswa "
           "yang \"bermasalah\": siapa pun boleh datang, juga untuk sekadar bertanya.\n\n"
           "Kamu bisa ngobrol soal apa saja, misalnya:\n\n"
           "- **Pribadi**: perasaan, rasa percaya diri, keluarga.\n"
           "- **Sosial**: teman, pergaulan, dirundung.\n"
           "- **Belajar**: cara belajar, nilai, tugas yang menumpuk.\n"
           "- **Karier**: cita-cita dan sekolah lanjutan."),
    ),
    "counselor_role": (
        _l("Peran Guru BK"),
        _l("Guru BK adalah guru yang bertugas penuh mendampingi perkembangan dirimu. Guru BK "
           "tidak menghakimi, tidak memarahi, dan tidak memberi nilai. Guru BK akan:\n\n"
           "- mendengarkan ceritamu dengan sungguh-sungguh;\n"
           "- membantumu memahami masalah dan melihat pilihan yang ada;\n"
           "- menemanimu mengambil keputusan sendiri dengan bertanggung jawab;\n"
           "- menghubungkanmu dengan bantuan lain kalau perlu, dengan persetujuanmu."),
    ),
    "principles": (
        _l("Yang selalu kami jaga"),
        _l("- **Rahasia.** Ceritamu hanya diketahui Guru BK. Wali kelas, teman, dan orang tua "
           "tidak bisa membacanya.\n"
           "- **Satu batas kerahasiaan.** Kalau ada bahaya untuk dirimu atau orang lain, Guru BK "
           "wajib mencari bantuan untuk melindungimu, dan akan membicarakannya denganmu dulu.\n"
           "- **Atas kemauanmu sendiri.** Kamu boleh datang, berhenti, atau memilih chat saja "
           "tanpa video. Tidak ada hukuman.\n"
           "- **Terbuka.** Tanyakan saja kalau ada yang membuatmu ragu tentang layanan ini."),
    ),
    "reach": (
        _l("Cara menghubungi Guru BK"),
        _l("Pilih cara yang paling nyaman untukmu. Semuanya gratis dan rahasia."),
    ),
}

POSTER_HEADLINE = _l("Cerita ke Guru BK, langsung dari HP-mu")
POSTER_TAGLINE = _l("Ada yang mengganjal? Soal pelajaran, teman, keluarga, atau cita-cita: Guru BK "
                    "siap mendengarkan. Rahasia dan gratis.")

#: Icons drawn in templates/outreach/_icons.html, chosen per guide step.
ICONS = {
    "masuk": _l("Masuk / kotak masalah"),
    "data": _l("Data awal dan persetujuan"),
    "jadwal": _l("Jadwal"),
    "chat": _l("Chat atau video"),
    "nilai": _l("Penilaian"),
}

GUIDE_STEPS = (
    ("masuk", _l("Masuk, atau tulis di kotak masalah"),
     _l("Masuk dengan akun dari sekolah. Belum siap menyebut nama? Tulis ceritamu di kotak "
        "masalah, lalu simpan kode yang muncul untuk membaca balasan Guru BK.")),
    ("data", _l("Isi data awal dan persetujuan"),
     _l("Ceritakan singkat apa yang ingin kamu bicarakan. Baca dulu persetujuannya: ceritamu "
        "rahasia, kecuali ada bahaya untuk dirimu atau orang lain. Setujui kalau kamu siap.")),
    ("jadwal", _l("Pilih waktu"),
     _l("Pilih jam saat kamu bisa memegang HP di tempat yang tenang. Jadwal bisa dipindah "
        "kalau ternyata tidak bisa.")),
    ("chat", _l("Ngobrol lewat chat atau video"),
     _l("Guru BK mendengarkan, membantumu memahami masalahnya, lalu mencari jalan keluar "
        "bersamamu. Kamu boleh memilih chat saja.")),
    ("nilai", _l("Nilai sesinya"),
     _l("Setelah selesai, isi penilaian singkat: apa yang kamu pahami, apa yang kamu rasakan, "
        "dan apa yang akan kamu lakukan. Kalau perlu, buat jadwal lagi.")),
)

#: A new RPL starts from the usual shape of a classical guidance session (1 JP = 40 minutes).
PLAN_DEFAULTS = {
    "function": _l("Pemahaman dan pengembangan"),
    "method": _l("Bimbingan klasikal: penyajian singkat, diskusi kelompok kecil, tanya jawab."),
    "duration": _l("1 × 40 menit"),
    "media": _l("Slide materi, proyektor atau layar HP, lembar kerja."),
    "opening": _l("1. Salam, doa, dan menanyakan kabar siswa.\n"
                  "2. Menyampaikan tujuan dan langkah kegiatan.\n"
                  "3. Menyampaikan asas kerahasiaan dan kesukarelaan.\n"
                  "4. Permainan singkat untuk mencairkan suasana, lalu masuk ke topik."),
    "core": _l("1. Guru BK menyajikan materi dengan slide.\n"
               "2. Siswa berdiskusi dalam kelompok kecil dengan lembar kerja.\n"
               "3. Tiap kelompok menyampaikan hasil diskusinya.\n"
               "4. Guru BK memberi penguatan dan meluruskan yang keliru."),
    "closing": _l("1. Siswa menyimpulkan apa yang dipelajari.\n"
                  "2. Guru BK menyampaikan rencana tindak lanjut dan cara menghubungi BK.\n"
                  "3. Salam dan doa penutup."),
    "process_evaluation": _l("Antusiasme siswa, keaktifan bertanya dan berdiskusi, suasana "
                             "kelompok selama kegiatan."),
    "outcome_evaluation": _l("Penilaian segera (laiseg): pemahaman baru, perasaan, dan rencana "
                             "tindakan siswa setelah layanan, lewat angket singkat."),
}
