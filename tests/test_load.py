"""Load step: bytes in any encoding to text, or a drop with a reason."""

from __future__ import annotations

import codecs
import gzip

import pytest

from pipeline.config import ConfigError, parse_config
from pipeline.record import Document, Drop
from pipeline.steps import load

TEXT = "Colombia’s president said “dialogue” — twice. Ñandú, São Paulo, Zürich."


def run_load(cfg, ctx, data: bytes, name: str = "doc.txt"):
    doc = Document(source_path=name, source_sha256="0", source_bytes=len(data), raw=data)
    return load.run(doc, cfg.load, ctx)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        # without a BOM the byte order is a guess, so the codec that decoded is recorded
        # (it was "utf-16" before the detection learnt big-endian)
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32-le"), "utf-32-le"),
        (TEXT.encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_unicode_encodings_decode_exactly(cfg, ctx, data, encoding):
    doc, prov = run_load(cfg, ctx, data)
    assert doc.text == TEXT
    assert prov["encoding"]["detected"]["encoding"] == encoding


def test_legacy_code_page_is_detected_and_recorded(cfg, ctx):
    text = (RAW_SEED := (load_raw("002_bf9c0ceb983e1a5f.txt")))
    doc, prov = run_load(cfg, ctx, RAW_SEED.encode("cp1252"))
    assert doc.text == text
    detected = prov["encoding"]["detected"]
    assert detected["method"] == "charset-normalizer"
    assert detected["encoding"] in {"cp1252", "windows-1252"}
    assert 0 < detected["confidence"] <= 1


def test_gzip_is_decompressed(cfg, ctx):
    doc, prov = run_load(cfg, ctx, gzip.compress(TEXT.encode()), "a/b.txt.gz")
    assert doc.text == TEXT
    assert prov["compression"] == "gzip"


def test_gzip_bomb_is_stopped_at_the_cap(cfg, ctx):
    from dataclasses import replace

    bomb = gzip.compress(b"a" * 5_000_000)
    small = replace(cfg.load, max_decompressed_bytes=1_000_000)
    doc = Document(source_path="bomb.txt.gz", source_sha256="0", source_bytes=len(bomb), raw=bomb)
    result, _ = load.run(doc, small, ctx)
    assert isinstance(result, Drop) and result.reason == "too-large"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00" * 50, "binary"),
        (b"not gzip at all", "bad-gzip"),
    ],
)
def test_unusable_inputs_are_dropped_with_a_reason(cfg, ctx, data, reason):
    name = "x.txt.gz" if reason == "bad-gzip" else "x.txt"
    result, _ = run_load(cfg, ctx, data, name)
    assert isinstance(result, Drop)
    assert result.reason == reason
    assert result.error  # a sentence for people


def test_html_is_recognised_by_name_or_by_content(cfg, ctx):
    page = b"<!DOCTYPE html><html><body><p>Hello</p></body></html>"
    assert run_load(cfg, ctx, page, "page.htm")[0].input_format == "html"
    assert run_load(cfg, ctx, page, "page.download")[0].input_format == "html"
    assert run_load(cfg, ctx, b"Just words.", "notes.txt")[0].input_format == "text"


def load_raw(name: str) -> str:
    from conftest import RAW

    return (RAW / name).read_text(encoding="utf-8")


# --- legacy code pages, data-driven ------------------------------------------------------------
# In the style of ftfy's test cases: a label, the text, the encoding it was saved in. Load must
# give the text back exactly, and the encoding it records must decode the bytes to that text
# (code pages that read the bytes alike may be named either way: cp1250 or iso8859_2).
# Sentences marked "bench" are from the article bodies of bench/data/scrapinghub.
LEGACY_CASES = [
    # English: the evidence is a handful of punctuation bytes
    {
        "label": "English, curly quotes, cp1252 (bench)",
        "text": "Another cloud of choking smoke is likely to reach “severe” or “emergency” levels.",
        "encoding": "cp1252",
    },
    {
        "label": "English, em dash only, in GB18030 (A1AA; cp1251 reads 'ЎЄ', euc-kr '―')",
        "text": "VIENNA — The house where Adolf Hitler was born will be turned into a police "
        "station.",
        "encoding": "gb18030",
    },
    {
        "label": "English, pound sign in Shift_JIS (cp852 reads 'üĺ', mac_roman 'Åí')",
        "text": "Chelsea have this morning paid the £71.6million fee to the Spanish league.",
        "encoding": "shift_jis",
    },
    {
        "label": "English, apostrophes in EUC-KR",
        "text": "Gaming used to be so simple. We’d buy a game, sit down and grind our way to the "
        "end.",
        "encoding": "euc_kr",
    },
    {
        "label": "English, a name with an umlaut, cp1252 (cp1256 reads an Arabic kasra)",
        "text": "Dennis Schröder scored 20 of his season-high 31 points in a phenomenal first "
        "half.",
        "encoding": "cp1252",
    },
    # the benchmark's languages
    {
        "label": "Italian, è and ì only, cp1252 (cp1250 reads č and ě, both Czech) (bench)",
        "text": "Il black Friday incombe su di noi: per chi non lo sapesse (o per chi è sbarcato "
        "da Marte recentemente) il “venerdì nero” è l’ennesima consuetudine importata dagli USA.",
        "encoding": "cp1252",
    },
    {
        "label": "Portuguese, cp1252 (bench)",
        "text": "Aqui nos Estados Unidos você tem à disposição materiais voltados à aquisição da "
        "fluência em leitura.",
        "encoding": "cp1252",
    },
    {
        "label": "German, low-9 quotes, cp1252 (bench)",
        "text": "Unter dem Motto „Take C.A.R.E“ bestärkt die DMEXCO Branche und Publikum darin, "
        "Veränderung durch Digitalisierung positiv zu gestalten.",
        "encoding": "cp1252",
    },
    {
        "label": "Indonesian, apostrophes, cp1252 (bench)",
        "text": "Islam pecah jadi Sunni dan Syi’ah karena faktor politik. Karena kekuasaan.",
        "encoding": "cp1252",
    },
    {
        "label": "Russian, cp1251 (bench)",
        "text": "Наши герои знают толк не только во вкусе, но и в красоте еды. За их аккаунтами "
        "следят тысячи подписчиков.",
        "encoding": "cp1251",
    },
    {
        "label": "Russian, KOI8-R (cp1251 reads it with the case swapped)",
        "text": "Самые популярные фудблогеры рассказали нам, как они решили заняться столь "
        "необычным творчеством.",
        "encoding": "koi8_r",
    },
    {
        "label": "Russian in EUC-KR, which has Cyrillic (Big5 reads Han characters) (bench)",
        "text": "Характеристики бега можно увеличить за счет кодов",
        "encoding": "euc_kr",
    },
    {
        "label": "Korean, EUC-KR (bench)",
        "text": "타인의 동의를 구하지 않고 일방적으로 두 사람의 관계를 담은 사진을 "
        "SNS에 공개한다는 건 분명한 사생활 침해이고, 나아가 ‘리벤지’의 성격을 가진 "
        "SNS 폭로로 여겨지기 때문이다.",
        "encoding": "euc_kr",
    },
    {
        "label": "Japanese, Shift_JIS (bench)",
        "text": "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで20代の男性が"
        "逮捕されたというニュースを耳にしました。",
        "encoding": "shift_jis",
    },
    {
        "label": "Japanese, EUC-JP (bench)",
        "text": "「脱獄」とは、iPhoneのiOSを改造して機能制限を解除することです。",
        "encoding": "euc_jp",
    },
    # other alphabets whose code pages tie with cp1252 or cp1251 on structure alone
    {
        "label": "Turkish, cp1254 (cp1252 reads ı ş ğ as ý þ ð)",
        "text": "Türkiye Büyük Millet Meclisi'nde bugün yapılan oturumda bütçe görüşmeleri "
        "sırasında tartışma çıktı.",
        "encoding": "cp1254",
    },
    {
        "label": "Lithuanian, cp1257",
        "text": "Vyriausybė šiandien paskelbė naujas priemones ekonomikai remti, kurios įsigalios "
        "nuo kito mėnesio.",
        "encoding": "cp1257",
    },
    {
        "label": "Polish, cp1250",
        "text": "Wczoraj w Warszawie odbyło się spotkanie przedstawicieli samorządów, na którym "
        "omówiono budżet miasta.",
        "encoding": "cp1250",
    },
    {
        "label": "Czech, cp1250",
        "text": "Vláda schválila návrh zákona o státním rozpočtu na příští rok, řekl ministr "
        "financí.",
        "encoding": "cp1250",
    },
    {
        "label": "Hungarian, cp1250 (cp1252 reads ő ű as õ û)",
        "text": "A kormány szerdán elfogadta a jövő évi költségvetés tervezetét, amelyről a "
        "parlament őszi ülésszakán szavaznak.",
        "encoding": "cp1250",
    },
    {
        "label": "Greek, cp1253",
        "text": "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία, σύμφωνα με τον "
        "υπουργό.",
        "encoding": "cp1253",
    },
    {
        "label": "Hebrew, cp1255 (cp1251 reads small Cyrillic, KOI8-R capitals)",
        "text": "הממשלה הודיעה היום על צעדים חדשים לתמיכה בכלכלה, שייכנסו לתוקף מהחודש הבא, "
        "כך לפי שר האוצר.",
        "encoding": "cp1255",
    },
    {
        "label": "Arabic, cp1256",
        "text": "أعلنت الحكومة اليوم عن إجراءات جديدة لدعم الاقتصاد، وفقا لوزير المالية.",
        "encoding": "cp1256",
    },
    {
        "label": "Thai, cp874",
        "text": "รัฐบาลประกาศมาตรการใหม่เพื่อสนับสนุนเศรษฐกิจในวันนี้ ซึ่งจะมีผลบังคับใช้ตั้งแต่เดือนหน้า",
        "encoding": "cp874",
    },
    {
        "label": "Chinese, GB18030",
        "text": "国务院总理今天在北京主持召开国务院常务会议，部署进一步扩大内需的措施。",
        "encoding": "gb18030",
    },
    {
        "label": "Chinese, Big5",
        "text": "國務院總理今天在北京主持召開國務院常務會議，部署進一步擴大內需的措施。",
        "encoding": "big5",
    },
    {
        "label": "German, euro sign in ISO-8859-15 (cp1252 reads ¤)",
        "text": "Der Preis beträgt 5 € pro Stück, sagte der Geschäftsführer in München.",
        "encoding": "iso8859_15",
    },
]


@pytest.mark.parametrize("case", LEGACY_CASES, ids=lambda case: case["label"])
def test_legacy_code_pages_are_read_exactly(cfg, ctx, case):
    data = case["text"].encode(case["encoding"])
    doc, prov = run_load(cfg, ctx, data)
    assert doc.text == case["text"]
    detected = prov["encoding"]["detected"]
    assert detected["method"] == "charset-normalizer"
    assert data.decode(detected["encoding"]) == case["text"]
    assert 0 < detected["confidence"] <= 1


def test_iso_2022_jp_is_recognised_by_its_escapes(cfg, ctx):
    # 7-bit, so it is valid UTF-8 as well: strict UTF-8 must not win
    text = "そんな用途を考慮してか、Kindleや楽天koboにはデスクトップアプリが用意されています。"
    doc, prov = run_load(cfg, ctx, text.encode("iso2022_jp"))
    assert doc.text == text
    assert prov["encoding"]["detected"]["encoding"] == "iso2022_jp"


def test_a_single_ambiguous_character_is_flagged_with_the_runner_up(cfg, ctx):
    # A1AD is "…" in GB18030 and "∼" in EUC-KR: two bytes of evidence, both readings clean.
    text = "Richardson said that Rudolph can't claim bullying. … You get what's coming to you."
    doc, prov = run_load(cfg, ctx, text.encode("gb18030"))
    detected = prov["encoding"]["detected"]
    assert detected["low_confidence"] is True
    assert any("reads the bytes as well" in doubt for doubt in detected["doubts"])
    # which of the two wins is the web-usage order's call; the right one is one of them
    assert "gb18030" in {detected["encoding"], detected["runner_up"]["encoding"]}
    assert doc.text in {text, text.replace("…", "∼")}


# --- UTF-16 and UTF-32 without a BOM -----------------------------------------------------------
# Text in scripts beyond ASCII has few NUL bytes (only spaces, digits, newlines): the byte order
# comes from which half of the code units varies less.
WIDE_TEXTS = [
    "Наши герои знают толк не только во вкусе, но и в красоте еды.\nЗа их аккаунтами следят.",
    "先日、不正に改造したiPhoneを販売したとして、20代の男性が逮捕されました。\n商標法違反の疑い。",
    "타인의 동의를 구하지 않고 일방적으로 두 사람의 관계를 담은 사진을 공개한다.",
    "Colombia’s military ordered the highest state of alert.",
    "plain ASCII in UTF-16 is valid UTF-8 full of NUL",
]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", WIDE_TEXTS)
def test_utf16_and_utf32_without_bom(cfg, ctx, text, codec):
    doc, prov = run_load(cfg, ctx, text.encode(codec))
    assert doc.text == text
    assert prov["encoding"]["detected"] == {
        "encoding": codec,
        "method": "nul-pattern",
        "confidence": prov["encoding"]["detected"]["confidence"],
    }


def test_utf8_with_a_stray_nul_stays_utf8(cfg, ctx):
    text = "Zürich and São Paulo, 2019\x00"
    doc, prov = run_load(cfg, ctx, text.encode("utf-8"))
    assert doc.text == text  # the NUL goes in the repair step
    assert prov["encoding"]["detected"]["encoding"] == "utf-8"


def test_a_bom_in_the_middle_is_kept_for_repair_to_remove(cfg, ctx):
    data = codecs.BOM_UTF8 + b"first file\n" + codecs.BOM_UTF8 + b"second file"
    doc, prov = run_load(cfg, ctx, data)
    assert doc.text == "first file\n\ufeffsecond file"
    assert prov["encoding"]["detected"]["encoding"] == "utf-8-sig"


# --- the suspicious-character check --------------------------------------------------------------
SUSPICIOUS_CASES = [
    ("Disney¡¯s new service", {"rare": 1, "in-word": 1, "misplaced": 1}),
    ("ДННЫЛД ДЕЦИРД ДИЕМ РЛ ЖРЦИМ", {"capitals": 5}),
    ("We﹛d buy a game", {"in-word": 1, "cjk-form": 1}),
    ("WeÆd buy a game", {"case": 1}),
    ("MADRID ĄŞ Rafael Nadal", {"foreign-word": 1}),
    ("Toyota鱈s top-selling vehicle", {"mixed-script": 1}),
    ("flybys ЎЄ and perhaps", {"mixed-script": 1}),
    ("qualità che puٍ fornire", {"mixed-script": 1}),
    ("bullying. ¡\xad You", {"misplaced": 2}),
    ("60,000â\x82© won", {"junk": 1}),
    # right text: nothing
    ("Colombia’s president — “dialogue” … Ñandú, São Paulo, Zürich, 1º, Nº 5, ¿Qué?", {}),
    ("Москва — столица России. «Цитата» здесь.", {}),
    ("先日、不正に改造したiPhoneを販売したとして、男性が逮捕された。", {}),
    ("Hwajeontae Dance (花前態舞)!! and more English words around it", {}),
    ("μ is a Greek letter alone in English text", {"mixed-script": 1}),
]


@pytest.mark.parametrize(("text", "expected"), SUSPICIOUS_CASES)
def test_suspicious_characters(text, expected):
    assert load.suspicious(text) == expected


def test_foreign_letters_need_one_alphabet():
    assert load.foreign_letters("per chi è sbarcato, il venerdì") == 0  # Italian
    assert load.foreign_letters("per chi č sbarcato, il venerdě") == 0  # Czech has both
    assert load.foreign_letters("Türkiye bugün yapýlan görüþmeleri") == 2  # no ý þ with ü ö
    assert load.foreign_letters("plain English") == 0


# --- configuration -----------------------------------------------------------------------------


def test_the_encodings_option_is_validated():
    assert parse_config({"load": {"encodings": ["cp1252", "koi8_r"]}}).load.encodings == (
        "cp1252",
        "koi8_r",
    )
    with pytest.raises(ConfigError, match="not code pages"):
        parse_config({"load": {"encodings": ["cp1252", "utf-8"]}})
    with pytest.raises(ConfigError, match="at least one"):
        parse_config({"load": {"encodings": []}})


def test_the_candidate_list_limits_detection(cfg, ctx):
    from dataclasses import replace

    text = "Türkiye Büyük Millet Meclisi'nde bugün yapılan oturumda görüşmeler sürdü."
    data = text.encode("cp1254")
    western = replace(cfg.load, encodings=("cp1252",))
    doc = Document(source_path="t.txt", source_sha256="0", source_bytes=len(data), raw=data)
    result, prov = load.run(doc, western, ctx)
    assert result.text != text  # without cp1254 it cannot be read right ...
    assert prov["encoding"]["detected"]["encoding"] == "cp1252"  # ... and says what it used
