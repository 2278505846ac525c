"""Writes cases.jsonl, the labelled set of the dates benchmark (see README.md in this folder).

    python bench/data/dates/make_cases.py

Deterministic (a seeded random generator, no clock). Every case is written here by hand or
from hand-written templates; the expected date is the date the template was filled with, never
computed by the pipeline. Bodies are paragraphs of the ScrapingHub ground truth (MIT licence,
``bench/data/scrapinghub``) without any digit (so that they hold no date and no weekday
evidence), or paragraphs written here for Spanish, French, Dutch and Chinese.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GROUND_TRUTH = HERE.parent / "scrapinghub" / "ground-truth.json"
OUT = HERE / "cases.jsonl"
RUN_DATE = dt.date(2026, 6, 1)
SEED = 20260601

# --------------------------------------------------------------------------------------------
# Language tables, written for this benchmark (not taken from the pipeline).

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
MONTHS_ABBR = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "es": "ene feb mar abr may jun jul ago sep oct nov dic",
    "pt": "jan fev mar abr mai jun jul ago set out nov dez",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sep. Okt. Nov. Dez.",
    "it": "gen feb mar apr mag giu lug ago set ott nov dic",
    "nl": "jan. feb. mrt. apr. mei jun. jul. aug. sep. okt. nov. dec.",
    "ru": "янв. февр. марта апр. мая июня июля авг. сент. окт. нояб. дек.",
}
WEEKDAYS = {  # Monday first
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "ru": "понедельник вторник среда четверг пятница суббота воскресенье",
}
WEEKDAYS_ABBR_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
JA_WEEKDAYS = "月火水木金土日"
ZH_WEEKDAYS = "一二三四五六日"


def month(lang: str, d: dt.date) -> str:
    return MONTHS[lang].split()[d.month - 1]


def mabbr(lang: str, d: dt.date) -> str:
    return MONTHS_ABBR[lang].split()[d.month - 1]


def wday(lang: str, d: dt.date) -> str:
    return WEEKDAYS[lang].split()[d.weekday()]


def ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Formats: name -> function(date) -> string. Unambiguous ones only (numeric ones need day > 12).
FORMATS: dict[str, dict[str, Any]] = {
    "en": {
        "mdy-long": lambda d: f"{month('en', d)} {d.day}, {d.year}",
        "mdy-abbr": lambda d: f"{mabbr('en', d)} {d.day}, {d.year}",
        "mdy-abbr-dot": lambda d: (
            f"{mabbr('en', d)}{'.' if d.month not in (5, 6, 7) else ''} {d.day}, {d.year}"
        ),
        "dmy-long": lambda d: f"{d.day} {month('en', d)} {d.year}",
        "dmy-ordinal": lambda d: f"{ordinal_en(d.day)} {month('en', d)} {d.year}",
        "mdy-ordinal": lambda d: f"{month('en', d)} {ordinal_en(d.day)}, {d.year}",
        "weekday-mdy": lambda d: f"{wday('en', d)}, {month('en', d)} {d.day}, {d.year}",
        "weekday-dmy-abbr": lambda d: (
            f"{WEEKDAYS_ABBR_EN[d.weekday()]} {d.day} {mabbr('en', d)} {d.year}"
        ),
        "rfc-2822": lambda d: (
            f"{WEEKDAYS_ABBR_EN[d.weekday()]}, {d.day:02d} {mabbr('en', d)} {d.year} 09:30:00 +0000"
        ),
        "iso": lambda d: d.isoformat(),
        "iso-time": lambda d: f"{d.isoformat()}T14:05:00Z",
        "iso-offset": lambda d: f"{d.isoformat()}T08:15:00-05:00",
        "ymd-slash": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
        "the-ordinal-of": lambda d: f"the {ordinal_en(d.day)} of {month('en', d)} {d.year}",
        "upper-mdy": lambda d: f"{month('en', d).upper()} {d.day}, {d.year}",
        "dmy-dash-abbr": lambda d: f"{d.day:02d}-{mabbr('en', d)}-{d.year}",
        "mdy-time": lambda d: f"{month('en', d)} {d.day}, {d.year} at 10:42 a.m. ET",
        "dmy-time-gmt": lambda d: f"{d.day} {mabbr('en', d)} {d.year} 08:00 GMT",
        "numeric-dmy-13": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
        "numeric-mdy-13": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    },
    "es": {
        "dmy-long": lambda d: f"{d.day} de {month('es', d)} de {d.year}",
        "weekday-dmy": lambda d: f"{wday('es', d)}, {d.day} de {month('es', d)} de {d.year}",
        "dmy-abbr": lambda d: f"{d.day} {mabbr('es', d)}. {d.year}",
        "mdy-latam": lambda d: f"{month('es', d).capitalize()} {d.day} de {d.year}",
        "dmy-time": lambda d: f"{d.day:02d} de {month('es', d)} de {d.year} - 10:30",
        "numeric-dmy-13": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
        "iso": lambda d: d.isoformat(),
        "dmy-del": lambda d: f"{d.day} de {month('es', d)} del {d.year}",
    },
    "pt": {
        "dmy-long": lambda d: f"{d.day} de {month('pt', d)} de {d.year}",
        "weekday-dmy": lambda d: f"{wday('pt', d)}, {d.day} de {month('pt', d)} de {d.year}",
        "dmy-abbr": lambda d: f"{d.day:02d} {mabbr('pt', d)} {d.year}",
        "dmy-time": lambda d: f"{d.day} {mabbr('pt', d)}. {d.year} às 10h30",
        "numeric-dmy-13": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year} 10h30",
        "iso": lambda d: d.isoformat(),
    },
    "fr": {
        "dmy-long": lambda d: f"{'1er' if d.day == 1 else d.day} {month('fr', d)} {d.year}",
        "weekday-dmy": lambda d: f"{wday('fr', d)} {d.day} {month('fr', d)} {d.year}",
        "dmy-abbr-time": lambda d: f"{d.day} {mabbr('fr', d)} {d.year} à 10h30",
        "le-dmy-time": lambda d: f"le {d.day} {month('fr', d)} {d.year} à 10:30",
        "numeric-dmy-13": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year} à 10h30",
        "iso": lambda d: d.isoformat(),
    },
    "de": {
        "dmy-long": lambda d: f"{d.day}. {month('de', d)} {d.year}",
        "weekday-dmy": lambda d: f"{wday('de', d)}, {d.day}. {month('de', d)} {d.year}",
        "dmy-abbr-time": lambda d: f"{d.day}. {mabbr('de', d)} {d.year}, 10:30 Uhr",
        "numeric-dmy-13": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}, 10:30 Uhr",
        "iso": lambda d: d.isoformat(),
        "dmy-den": lambda d: f"den {d.day}. {month('de', d)} {d.year}",
    },
    "it": {
        "dmy-long": lambda d: f"{d.day} {month('it', d)} {d.year}",
        "weekday-dmy": lambda d: f"{wday('it', d)} {d.day} {month('it', d)} {d.year}",
        "dmy-abbr": lambda d: f"{d.day} {mabbr('it', d)} {d.year}",
        "dmy-cap-time": lambda d: f"{d.day} {month('it', d).capitalize()} {d.year} - 10:30",
        "numeric-dmy-13": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year} ore 10:30",
        "iso": lambda d: d.isoformat(),
    },
    "nl": {
        "dmy-long": lambda d: f"{d.day} {month('nl', d)} {d.year}",
        "weekday-dmy": lambda d: f"{wday('nl', d)} {d.day} {month('nl', d)} {d.year}",
        "dmy-abbr-time": lambda d: f"{d.day} {mabbr('nl', d)} {d.year}, 10:30",
        "numeric-dmy-13": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year} 10:30",
        "iso": lambda d: d.isoformat(),
    },
    "ru": {
        "dmy-long": lambda d: f"{d.day} {month('ru', d)} {d.year}",
        "dmy-g": lambda d: f"{d.day} {month('ru', d)} {d.year} г.",
        "dmy-goda-time": lambda d: f"{d.day} {month('ru', d)} {d.year} года, 10:30",
        "dmy-abbr": lambda d: f"{d.day} {mabbr('ru', d)} {d.year}",
        "weekday-dmy": lambda d: f"{wday('ru', d)}, {d.day} {month('ru', d)} {d.year}",
        "numeric-dmy-13": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year} 10:30",
    },
    "zh": {
        "cjk": lambda d: f"{d.year}年{d.month}月{d.day}日",
        "cjk-padded-time": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日 10:30",
        "iso-time": lambda d: f"{d.isoformat()} 10:30",
        "cjk-weekday": lambda d: f"{d.year}年{d.month}月{d.day}日 星期{ZH_WEEKDAYS[d.weekday()]}",
    },
    "ja": {
        "cjk": lambda d: f"{d.year}年{d.month}月{d.day}日",
        "cjk-weekday": lambda d: f"{d.year}年{d.month}月{d.day}日({JA_WEEKDAYS[d.weekday()]})",
        "ymd-slash-time": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d} 10:30",
        "ymd-dot": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    },
    "ko": {
        "korean": lambda d: f"{d.year}년 {d.month}월 {d.day}일",
        "ymd-dot-time": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d} 10:30",
        "iso-time": lambda d: f"{d.isoformat()} 10:30",
    },
}

CUES = {
    "en": ["Published:", "Published on", "Posted on", "Written on", "Date:", "Published",
           "Posted:", "Originally published", "Publication date:", "date"],
    "es": ["Publicado el", "Publicado:", "Fecha:", "Fecha de publicación:", "Publicado"],
    "pt": ["Publicado em", "Publicado:", "Data:", "Postado em", "Publicado"],
    "fr": ["Publié le", "Publié :", "Mis en ligne le", "Publié", "Date de publication :"],
    "de": ["Veröffentlicht am", "Veröffentlicht:", "Erschienen am", "Datum:", "Erstellt am"],
    "it": ["Pubblicato il", "Pubblicato:", "Data:", "Inserito il", "Data di pubblicazione:"],
    "nl": ["Gepubliceerd op", "Geplaatst op", "Gepubliceerd:", "Datum:"],
    "ru": ["Опубликовано:", "Опубликовано", "Дата публикации:", "Дата:", "Размещено:"],
    "zh": ["发布时间：", "发布于", "發佈時間：", "发表于 "],
    "ja": ["公開日：", "投稿日：", "掲載日 "],
    "ko": ["입력 ", "등록일 ", "작성일 "],
}  # fmt: skip
UPDATED_CUES = {
    "en": ["Updated", "Last updated:", "Updated on"],
    "es": ["Actualizado el", "Actualizado:"],
    "pt": ["Atualizado em"],
    "fr": ["Mis à jour le"],
    "de": ["Aktualisiert am"],
    "it": ["Aggiornato il"],
    "nl": ["Bijgewerkt op"],
    "ru": ["Обновлено:"],
    "zh": ["更新时间："],
    "ja": ["更新日："],
    "ko": ["수정 "],
}
BYLINES = {
    "en": ["By Jane Doe", "By Victor Cohen", "By Laura Whitfield", "By Samuel Okafor",
           "By Priya Raman"],
    "es": ["Por María López", "Por Andrés Gómez", "Por Lucía Fernández"],
    "pt": ["Por Ana Souza", "Por Rafael Lima", "Por Beatriz Costa"],
    "fr": ["Par Jean Dupont", "Par Claire Martin", "Par Hugo Bernard"],
    "de": ["Von Anna Schmidt", "Von Jonas Weber", "Von Lena Fischer"],
    "it": ["Di Marco Rossi", "Di Giulia Bianchi", "Di Luca Romano"],
    "nl": ["Door Pieter de Vries", "Door Sanne Jansen", "Door Daan Bakker"],
    "ru": ["Автор: Иван Петров", "Автор: Мария Смирнова", "Текст: Алексей Иванов"],
    "zh": ["记者 张伟", "记者 李娜"],
    "ja": ["記者 山田太郎", "文：佐藤花子"],
    "ko": ["김민수 기자", "이지은 기자"],
}  # fmt: skip
TITLES = {
    "en": [
        "Colombia Deploys Troops to Venezuela Border Following US Operation",
        "City Council Approves New Budget After a Long Debate on Schools",
        "Storm Leaves Thousands Without Power Along the Northern Coast",
        "Central Bank Holds Interest Rates Steady Amid Slowing Growth",
        "Researchers Find New Species of Frog in the Andes Cloud Forest",
        "Local Football Club Secures Promotion After Dramatic Final Match",
        "Rail Strike Disrupts Commuters as Talks Break Down Again",
        "Museum Returns Looted Artefacts to Their Country of Origin",
    ],
    "es": [
        "Colombia despliega tropas en la frontera con Venezuela",
        "El ayuntamiento aprueba el nuevo presupuesto tras un largo debate",
        "Una tormenta deja sin luz a miles de hogares en la costa norte",
        "El banco central mantiene los tipos de interés sin cambios",
    ],
    "pt": [
        "Colômbia envia tropas para a fronteira com a Venezuela",
        "Câmara aprova novo orçamento depois de longo debate sobre escolas",
        "Tempestade deixa milhares de casas sem energia no litoral norte",
        "Banco central mantém a taxa de juros inalterada pela terceira vez",
    ],
    "fr": [
        "La Colombie déploie des troupes à la frontière vénézuélienne",
        "Le conseil municipal adopte le nouveau budget après un long débat",
        "Une tempête prive des milliers de foyers d'électricité sur la côte",
        "La banque centrale maintient ses taux directeurs inchangés",
    ],
    "de": [
        "Kolumbien verlegt Truppen an die Grenze zu Venezuela",
        "Stadtrat beschließt neuen Haushalt nach langer Debatte über Schulen",
        "Sturm lässt tausende Haushalte an der Nordküste ohne Strom",
        "Zentralbank lässt die Leitzinsen erneut unverändert",
    ],
    "it": [
        "La Colombia schiera truppe al confine con il Venezuela",
        "Il consiglio comunale approva il nuovo bilancio dopo un lungo dibattito",
        "Una tempesta lascia migliaia di case senza corrente sulla costa",
        "La banca centrale lascia invariati i tassi di interesse",
    ],
    "nl": [
        "Colombia stuurt troepen naar de grens met Venezuela",
        "Gemeenteraad keurt nieuwe begroting goed na lang debat over scholen",
        "Storm laat duizenden huishoudens aan de kust zonder stroom",
        "Centrale bank houdt de rente opnieuw ongewijzigd",
    ],
    "ru": [
        "Колумбия перебрасывает войска к границе с Венесуэлой",
        "Городской совет утвердил новый бюджет после долгих споров",
        "Шторм оставил без света тысячи домов на северном побережье",
        "Центральный банк сохранил ключевую ставку без изменений",
    ],
    "zh": ["哥伦比亚向委内瑞拉边境增派部队以应对局势", "市议会在长时间辩论后通过新的年度预算方案"],
    "ja": [
        "コロンビアがベネズエラ国境に部隊を派遣へ",
        "市議会が長い議論の末に新年度の予算案を可決",
    ],
    "ko": ["콜롬비아, 베네수엘라 국경에 병력 배치 발표", "시의회, 긴 논의 끝에 새해 예산안 통과"],
}
CHROME = {
    "en": ["Home | World | Politics | Business | Sport", "Menu", "Subscribe", "Search"],
    "es": ["Inicio | Mundo | Política | Economía", "Suscríbete", "Buscar"],
    "pt": ["Início | Mundo | Política | Economia", "Assine", "Buscar"],
    "fr": ["Accueil | Monde | Politique | Économie", "S'abonner", "Rechercher"],
    "de": ["Startseite | Welt | Politik | Wirtschaft", "Abonnieren", "Suche"],
    "it": ["Home | Mondo | Politica | Economia", "Abbonati", "Cerca"],
    "nl": ["Home | Wereld | Politiek | Economie", "Abonneer", "Zoeken"],
    "ru": ["Главная | Мир | Политика | Экономика", "Подписаться", "Поиск"],
    "zh": ["首页 | 国际 | 财经 | 体育", "订阅"],
    "ja": ["ホーム | 国際 | 経済 | スポーツ", "購読"],
    "ko": ["홈 | 국제 | 경제 | 스포츠", "구독"],
}

# Bodies written for this benchmark (no ground-truth page in these languages). No digits.
WRITTEN_BODIES = {
    "es": [
        [
            "El gobierno anunció el despliegue de miles de soldados a lo largo de la frontera "
            "como medida preventiva ante la situación en el país vecino.",
            "Las autoridades locales pidieron calma a la población y aseguraron que los pasos "
            "fronterizos seguirán abiertos mientras no haya riesgos para los civiles.",
            "Organizaciones humanitarias advirtieron que una nueva ola de migrantes podría "
            "llegar en las próximas semanas y reclamaron más recursos para los albergues.",
        ],
        [
            "El pleno aprobó las cuentas con los votos del equipo de gobierno y la abstención "
            "de la oposición, que criticó la falta de inversión en transporte público.",
            "La alcaldesa defendió que el presupuesto prioriza la educación y la reparación de "
            "los colegios más antiguos de la ciudad.",
            "Los vecinos de los barrios periféricos reclamaron más autobuses y mejores "
            "conexiones con el centro durante el turno de ruegos y preguntas.",
        ],
    ],
    "fr": [
        [
            "Le gouvernement a annoncé le déploiement de milliers de soldats le long de la "
            "frontière, une mesure présentée comme préventive par le ministère de la Défense.",
            "Les autorités locales ont appelé la population au calme et assuré que les points "
            "de passage resteraient ouverts tant que la sécurité des civils le permettrait.",
            "Plusieurs organisations humanitaires craignent une nouvelle vague de réfugiés et "
            "réclament des moyens supplémentaires pour les centres d'accueil.",
        ],
        [
            "Le budget a été adopté avec les voix de la majorité, tandis que l'opposition a "
            "dénoncé le manque d'investissements dans les transports en commun.",
            "La maire a défendu un texte qui donne la priorité à l'éducation et à la rénovation "
            "des écoles les plus anciennes de la ville.",
            "Des habitants des quartiers périphériques ont demandé davantage de bus et de "
            "meilleures liaisons avec le centre lors de la séance publique.",
        ],
    ],
    "nl": [
        [
            "De regering kondigde aan dat duizenden soldaten langs de grens worden ingezet, "
            "een maatregel die volgens het ministerie van Defensie preventief is.",
            "De lokale autoriteiten riepen de bevolking op om kalm te blijven en zeiden dat de "
            "grensovergangen open blijven zolang de veiligheid van burgers dat toelaat.",
            "Hulporganisaties vrezen een nieuwe golf van vluchtelingen en vragen om extra geld "
            "voor de opvangcentra in de grensregio.",
        ],
        [
            "De begroting werd aangenomen met de stemmen van de coalitie, terwijl de oppositie "
            "kritiek had op het gebrek aan investeringen in het openbaar vervoer.",
            "De burgemeester verdedigde een plan dat voorrang geeft aan onderwijs en aan de "
            "renovatie van de oudste scholen van de stad.",
            "Bewoners van de buitenwijken vroegen tijdens de openbare vergadering om meer "
            "bussen en betere verbindingen met het centrum.",
        ],
    ],
    "zh": [
        [
            "政府宣布将在边境沿线部署数千名士兵，国防部表示这是一项预防性措施，目的是保护边境地区的居民安全。",
            "地方当局呼吁民众保持冷静，并表示只要平民的安全得到保障，边境口岸将继续正常开放，货物运输也不会中断。",
            "多家人道主义组织担心新一轮难民潮可能在未来几周内出现，并呼吁为收容中心提供更多资源和资金支持。",
        ],
        [
            "市议会经过长时间的辩论后通过了新的年度预算，反对派批评预算中对公共交通的投入明显不足。",
            "市长表示，新预算优先考虑教育事业以及城市中最老旧学校的修缮工作，这是市民最关心的问题之一。",
            "郊区的居民在公开会议上要求增加公交线路，并改善与市中心之间的交通联系，以减少通勤时间。",
        ],
    ],
}

# Ground-truth pages used for bodies, by language (checked by hand: the language of the page).
GT_PAGES = {
    "en": [
        "04a6711caa7c", "05844573ca7e", "06e5123e4ef7", "06ee193de4bd", "08f793762792",
        "098bb3e96c0a", "0d46122928b6", "0dd135704572", "0e014df693f1", "14cc2a0ca59c",
        "156770d676ce", "16c30add7e96", "1ace8c85aaee", "1ee91d1fce65", "1f765c487806",
        "264dc3ae3124", "287e4d9f4af3", "291a8bf33ee4", "2c46804d9db4", "2f42ef1d3ea0",
    ],
    "pt": ["23aaecd14171", "3252222e61fe"],
    "ru": ["3c6d3381ef52", "c82b3d1d540b", "ff0f958ade71"],
    "de": ["57b4dafd18cf", "ba07d1e64775"],
    "it": ["20b2b64916b0"],
    "ko": ["0ec95c7261d1", "9da36ae4714b"],
    "ja": ["85439e26c41c", "f105de6e63ca"],
}  # fmt: skip


def load_bodies() -> dict[str, list[list[str]]]:
    truth = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    by_prefix = {k[:12]: v["articleBody"] for k, v in truth.items()}
    out: dict[str, list[list[str]]] = {k: list(v) for k, v in WRITTEN_BODIES.items()}
    for lang, pages in GT_PAGES.items():
        for page in pages:
            paragraphs = [
                p.strip()
                for p in by_prefix[page].split("\n")
                if 60 <= len(p.strip()) <= 700
                and not re.search(r"\d", p)
                and p.strip()[-1] in '.!?"”»。」'
            ]
            if len(paragraphs) >= 2:
                out.setdefault(lang, []).append(paragraphs[:3])
    return out


# --------------------------------------------------------------------------------------------


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.bodies = load_bodies()
        self.cases: list[dict[str, Any]] = []
        self.counter: dict[str, int] = {}

    def date(self, lo: dt.date = dt.date(2019, 1, 1), hi: dt.date = RUN_DATE) -> dt.date:
        return lo + dt.timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def date_day_over_12(self) -> dt.date:
        while True:
            d = self.date()
            if d.day > 12:
                return d

    def ambiguous_date(self, lo: dt.date = dt.date(2024, 1, 1)) -> dt.date:
        """A date whose numeric form reads both ways (day and month <= 12 and different)."""
        while True:
            d = self.date(lo)
            if d.day <= 12 and d.day != d.month and swap(d) <= RUN_DATE:
                return d

    def body(self, lang: str) -> list[str]:
        return list(self.rng.choice(self.bodies[lang]))

    def pick(self, seq: list[Any]) -> Any:
        return self.rng.choice(seq)

    def add(self, lang: str, group: str, **fields: Any) -> None:
        key = f"{group}-{lang}"
        self.counter[key] = self.counter.get(key, 0) + 1
        case: dict[str, Any] = {"id": f"{key}-{self.counter[key]:03d}", "lang": lang}
        case["group"] = group
        case.update(fields)
        case.setdefault("kind", "text")
        case.setdefault("run_date", RUN_DATE.isoformat())
        case.setdefault("path", f"sites/{lang}/{case['id']}.txt")
        for k in ("truth", "expected"):
            value = case.get(k)
            case[k] = value.isoformat() if isinstance(value, dt.date) else value
        case["decoys"] = [
            d.isoformat() if isinstance(d, dt.date) else d for d in case.get("decoys", [])
        ]
        if "expected_body_lead" in case and isinstance(case["expected_body_lead"], dt.date):
            case["expected_body_lead"] = case["expected_body_lead"].isoformat()
        self.cases.append(case)


def swap(d: dt.date) -> dt.date:
    """The other reading of a numeric date (day and month exchanged)."""
    return dt.date(d.year, d.day, d.month)


def header_line(cue: str, value: str) -> str:
    if not cue:
        return value
    return cue + value if cue.endswith(("：", " ")) and not cue.isascii() else f"{cue} {value}"


# --------------------------------------------------------------------------------------------
# Unambiguous cases: every format of every language, in several header layouts.


def unambiguous(b: Builder) -> None:
    layouts = ["title-byline-dateline", "chrome-title-dateline-byline", "title-dateonly",
               "byline-combined", "glued", "dateonly-above-title", "posted-on-by"]  # fmt: skip
    for lang, formats in FORMATS.items():
        repeats = 2 if lang == "en" else 3
        for name, fmt in formats.items():
            for _ in range(repeats):
                d = b.date_day_over_12() if name.startswith("numeric") else b.date()
                layout = b.pick(layouts)
                if layout == "posted-on-by" and lang != "en":
                    layout = "title-byline-dateline"
                if layout == "byline-combined" and lang in ("ru", "zh", "ja", "ko"):
                    layout = "title-dateonly"
                header, glued = text_header(b, lang, layout, fmt(d))
                b.add(
                    lang,
                    "unambiguous",
                    format=name,
                    layout=layout,
                    header=header,
                    glued=glued,
                    body=b.body(lang),
                    truth=d,
                    expected=d,
                )


def text_header(b: Builder, lang: str, layout: str, value: str) -> tuple[list[list[str]], bool]:
    title = b.pick(TITLES[lang])
    byline = b.pick(BYLINES[lang])
    cue = b.pick(CUES[lang])
    chrome = b.pick(CHROME[lang])
    dateline = header_line(cue, value)
    if layout == "title-byline-dateline":
        return [["title", title], ["byline", byline], ["dateline", dateline]], False
    if layout == "chrome-title-dateline-byline":
        return [["chrome", chrome], ["title", title], ["dateline", dateline],
                ["byline", byline]], False  # fmt: skip
    if layout == "title-dateonly":
        return [["title", title], ["dateline", value]], False
    if layout == "byline-combined":
        return [["title", title], ["byline", f"{byline} | {value}"]], False
    if layout == "glued":
        return [["title", title], ["dateline", dateline]], True
    if layout == "dateonly-above-title":
        return [["dateline", value], ["title", title], ["byline", byline]], False
    if layout == "posted-on-by":
        name = byline.split(" ", 1)[1]
        return [["title", title], ["dateline", f"Posted on {value} by {name}"]], False
    raise ValueError(layout)


# --------------------------------------------------------------------------------------------
# Ambiguous numeric dates: with evidence (resolved) and without (abstain).

AMBIG_LANGS = ["en", "es", "pt", "fr", "de", "it", "nl", "ru"]
SEPARATOR = {"en": "/", "es": "/", "pt": "/", "fr": "/", "de": ".", "it": "/", "nl": "-",
             "ru": "."}  # fmt: skip


def numeric(d: dt.date, order: str, sep: str) -> str:
    a, b_ = (d.day, d.month) if order == "dmy" else (d.month, d.day)
    return f"{a:02d}{sep}{b_:02d}{sep}{d.year}"


def mention_near(weekday: int, day: int, d: dt.date, window: int = 7) -> bool:
    """Is there a date within `window` days of d with this day of month and weekday?"""
    for k in range(-window, window + 1):
        x = d + dt.timedelta(days=k)
        if x.day == day and x.weekday() == weekday:
            return True
    return False


NIGHT_OF = {
    "en": "The strikes began on the night of {wd1} {o1} and went on until {wd2} {o2}, "
    "officials said.",
    "es": "Los ataques comenzaron en la noche del {wd1} {d1} al {wd2} {d2}, según fuentes "
    "oficiales.",
    "pt": "Os ataques começaram na noite de {wd1} {d1} para {wd2} {d2}, segundo fontes oficiais.",
    "fr": "Les frappes ont commencé dans la nuit du {wd1} {d1} au {wd2} {d2}, selon des sources "
    "officielles.",
    "de": "Die Angriffe begannen in der Nacht von {wd1}, {d1}. auf {wd2}, {d2}., wie Beamte "
    "mitteilten.",
    "it": "Gli attacchi sono iniziati nella notte tra {wd1} {d1} e {wd2} {d2}, secondo fonti "
    "ufficiali.",
    "nl": "De aanvallen begonnen in de nacht van {wd1} {d1} op {wd2} {d2}, aldus officiële "
    "bronnen.",
    "ru": "По словам чиновников, удары начались в {wd2_acc}, {d2} {m2}, и продолжались весь день.",
}
RU_ACC = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"]


def night_sentence(lang: str, d: dt.date) -> str:
    prev = d - dt.timedelta(days=1)
    return NIGHT_OF[lang].format(
        wd1=wday(lang, prev) if lang != "en" else wday("en", prev),
        wd2=wday(lang, d),
        o1=ordinal_en(prev.day),
        o2=ordinal_en(d.day),
        d1=prev.day,
        d2=d.day,
        m2=month("ru", d),
        wd2_acc=RU_ACC[d.weekday()],
    )


def night_is_evidence(lang: str, truth: dt.date) -> bool:
    """The mentions of night_sentence fit the truth and not the other reading."""
    other = swap(truth)
    prev = truth - dt.timedelta(days=1)
    if lang == "ru":  # the month is written: only a reading in that month can fit
        return other.month != truth.month
    return all(not mention_near(x.weekday(), x.day, other) for x in (prev, truth))


def ambiguous(b: Builder) -> None:
    # --- with evidence -------------------------------------------------------------------
    for i in range(40):
        lang = AMBIG_LANGS[i % len(AMBIG_LANGS)]
        kinds = [
            "weekday-with-date", "weekday-in-body", "header-order-updated", "header-order-tail",
            "run-date", "source-config", "same-date-elsewhere", "weekday-in-body",
        ]  # fmt: skip
        kind = kinds[(i + i // len(AMBIG_LANGS)) % len(kinds)]
        order = "mdy" if lang == "en" and (i // len(AMBIG_LANGS)) % 2 == 0 else "dmy"
        sep = SEPARATOR[lang]
        truth = b.ambiguous_date()
        title = b.pick(TITLES[lang])
        byline = b.pick(BYLINES[lang])
        cue = b.pick(CUES[lang][:3])
        body = b.body(lang)
        extra: dict[str, Any] = {}
        header: list[list[str]]
        if kind == "weekday-with-date":
            while swap(truth).weekday() == truth.weekday():
                truth = b.ambiguous_date()
            stamp = f"{wday(lang, truth)}, {numeric(truth, order, sep)}"
            header = [["title", title], ["byline", byline], ["dateline", header_line(cue, stamp)]]
        elif kind == "weekday-in-body":
            while not night_is_evidence(lang, truth):
                truth = b.ambiguous_date()
            header = [["title", title], ["byline", byline],
                      ["dateline", header_line(cue, numeric(truth, order, sep))]]  # fmt: skip
            body = [night_sentence(lang, truth) + " " + body[0], *body[1:]]
        elif kind == "header-order-updated":
            later = truth + dt.timedelta(days=b.rng.randrange(1, 6))
            while later.day <= 12 or later > RUN_DATE:
                truth = b.ambiguous_date()
                later = truth + dt.timedelta(days=b.rng.randrange(1, 6))
            upd = header_line(b.pick(UPDATED_CUES[lang]), numeric(later, order, sep) + " 18:20")
            header = [["title", title], ["byline", byline],
                      ["dateline", header_line(cue, numeric(truth, order, sep))],
                      ["dateline", upd]]  # fmt: skip
        elif kind == "header-order-tail":
            comment = truth + dt.timedelta(days=b.rng.randrange(1, 20))
            while comment.day <= 12 or comment > RUN_DATE:
                comment = truth + dt.timedelta(days=b.rng.randrange(1, 20))
            header = [["title", title], ["byline", byline],
                      ["dateline", header_line(cue, numeric(truth, order, sep))]]  # fmt: skip
            extra["tail"] = [
                ["chrome", COMMENTS_HEADING[lang]],
                ["chrome", f"carlos_m · {numeric(comment, order, sep)} 08:12"],
                ["chrome", "+3 | Reply"],
            ]
        elif kind == "run-date":
            # the run is between the two readings: the later reading has not happened yet
            first, second = sorted([truth, swap(truth)])
            truth = first
            run = first + dt.timedelta(days=max(1, (second - first).days // 2))
            extra["run_date"] = run.isoformat()
            header = [["title", title], ["byline", byline],
                      ["dateline", header_line(cue, numeric(truth, order, sep))]]  # fmt: skip
        elif kind == "source-config":
            site = "us-ledger" if order == "mdy" else "eu-courier"
            extra["path"] = f"sites/{site}/{lang}-{i:03d}.txt"
            header = [["title", title], ["byline", byline],
                      ["dateline", header_line(cue, numeric(truth, order, sep))]]  # fmt: skip
        elif kind == "same-date-elsewhere":
            textual = FORMATS[lang]["dmy-long"](truth)
            header = [["title", title], ["dateline", header_line(cue, numeric(truth, order, sep))],
                      ["byline", f"{byline}, {textual}"]]  # fmt: skip
        else:
            raise ValueError(kind)
        b.add(lang, "ambiguous-evidence", evidence=kind, order=order, header=header, body=body,
              truth=truth, expected=truth, readings=sorted([truth.isoformat(),
              swap(truth).isoformat()]), **extra)  # fmt: skip

    # --- without evidence ----------------------------------------------------------------
    for i in range(32):
        lang = AMBIG_LANGS[i % len(AMBIG_LANGS)]
        kind = ["bare-cue", "date-only", "weekday-fits-both", "conflicting-orders"][
            (i + i // len(AMBIG_LANGS)) % 4
        ]
        order = "mdy" if lang == "en" and (i // len(AMBIG_LANGS)) % 2 == 0 else "dmy"
        sep = SEPARATOR[lang]
        truth = b.ambiguous_date()
        title = b.pick(TITLES[lang])
        byline = b.pick(BYLINES[lang])
        cue = b.pick(CUES[lang])
        body = b.body(lang)
        extra = {}
        stamp = numeric(truth, order, sep)
        if kind == "bare-cue":
            header = [["title", title], ["byline", byline], ["dateline", header_line(cue, stamp)]]
        elif kind == "date-only":
            header = [["title", title], ["byline", byline], ["dateline", stamp + " 10:30"]]
        elif kind == "weekday-fits-both":
            # one weekday mention near each reading: no evidence either way
            other = swap(truth)
            m1 = mention_text(lang, truth)
            m2 = mention_text(lang, other)
            header = [["title", title], ["byline", byline], ["dateline", header_line(cue, stamp)]]
            body = [FITS_BOTH[lang].format(m1=m1, m2=m2) + " " + body[0], *body[1:]]
        else:
            # reader comments dated in both orders (a comment plugin and the site disagree)
            c1 = truth + dt.timedelta(days=b.rng.randrange(1, 30))
            c2 = truth + dt.timedelta(days=b.rng.randrange(1, 30))
            while c1.day <= 12 or c2.day <= 12 or max(c1, c2) > RUN_DATE:
                c1 = truth + dt.timedelta(days=b.rng.randrange(1, 30))
                c2 = truth + dt.timedelta(days=b.rng.randrange(1, 30))
            header = [["title", title], ["byline", byline], ["dateline", header_line(cue, stamp)]]
            extra["tail"] = [
                ["chrome", COMMENTS_HEADING[lang]],
                ["chrome", f"ana_r · {numeric(c1, 'dmy', sep)} 09:14"],
                ["chrome", f"tom_b · {numeric(c2, 'mdy', sep)} 17:40"],
            ]
        b.add(lang, "ambiguous-no-evidence", evidence=kind, order=order, header=header,
              body=body, truth=truth, expected=None, readings=sorted([truth.isoformat(),
              swap(truth).isoformat()]), **extra)  # fmt: skip


COMMENTS_HEADING = {
    "en": "Comments", "es": "Comentarios", "pt": "Comentários", "fr": "Commentaires",
    "de": "Kommentare", "it": "Commenti", "nl": "Reacties", "ru": "Комментарии",
}  # fmt: skip
FITS_BOTH = {
    "en": "Residents said the trouble started on {m1}, or perhaps on {m2}, nobody is sure.",
    "es": "Los vecinos dicen que todo empezó el {m1}, o quizá el {m2}, nadie lo sabe.",
    "pt": "Os moradores dizem que tudo começou na {m1}, ou talvez no {m2}, ninguém sabe.",
    "fr": "Les habitants disent que tout a commencé le {m1}, ou peut-être le {m2}.",
    "de": "Anwohner sagen, es habe am {m1} begonnen, vielleicht auch am {m2}.",
    "it": "I residenti dicono che tutto è iniziato {m1}, o forse {m2}, nessuno lo sa.",
    "nl": "Bewoners zeggen dat het begon op {m1}, of misschien op {m2}.",
    "ru": "Жители говорят, что всё началось в {m1}, а может быть в {m2}.",
}


def mention_text(lang: str, d: dt.date) -> str:
    if lang == "en":
        return f"{wday('en', d)} {ordinal_en(d.day)}"
    if lang == "de":
        return f"{wday('de', d)}, {d.day}."
    if lang == "ru":
        return f"{RU_ACC[d.weekday()]}, {d.day} {month('ru', d)}"
    return f"{wday(lang, d)} {d.day}"


# --------------------------------------------------------------------------------------------
# Decoys: widget, countdown, copyright and event dates, with and without a true date.


def decoys(b: Builder) -> None:
    en_body = b.body("en")
    # 1. the seed's countdown widget and donation amounts, no publication date
    for lang, left in (("en", "يوم متبقٍ"), ("en", "days left"), ("es", "días restantes"),
                       ("de", "Tage verbleibend")):  # fmt: skip
        d = b.date()
        widget = f"{month('en', d).upper()} {d.year} {left}"
        header = [["chrome", "0 $"], ["chrome", "2,500 $"], ["chrome", "5,000 $"],
                  ["chrome", widget], ["title", b.pick(TITLES[lang])],
                  ["chrome", "Support our work"]]  # fmt: skip
        b.add(lang, "decoy", decoy="countdown", header=header, body=b.body(lang), truth=None,
              expected=None, decoys=[f"{d.year}-{d.month:02d}"])  # fmt: skip
    # 2. offers and countdowns in the header, with a true dateline
    offers = {
        "en": "Offer ends {v} — subscribe now",
        "es": "La oferta termina el {v}",
        "fr": "Offre valable jusqu'au {v}",
        "de": "Angebot gültig bis {v}",
        "it": "Offerta valida fino al {v}",
        "nl": "Aanbieding geldig tot {v}",
        "pt": "Oferta válida até {v}",
        "ru": "Акция действует до {v}",
    }
    for lang, text in offers.items():
        for with_truth in (True, False):
            d = b.date(hi=dt.date(2026, 5, 1))
            offer = d + dt.timedelta(days=b.rng.randrange(5, 30))
            header = [
                ["chrome", text.format(v=FORMATS[lang]["dmy-long"](offer))],
                ["title", b.pick(TITLES[lang])],
                ["byline", b.pick(BYLINES[lang])],
            ]
            if with_truth:
                header.append(["dateline", header_line(CUES[lang][0],
                               FORMATS[lang]["dmy-long"](d))])  # fmt: skip
            b.add(lang, "decoy", decoy="offer", header=header, body=b.body(lang),
                  truth=d if with_truth else None, expected=d if with_truth else None,
                  decoys=[offer])  # fmt: skip
    # 3. copyright lines (footer, and in a byline), with and without a true date
    for lang, line in (("en", "© 2010–{y} Example Media. All rights reserved."),
                       ("es", "© {y} Diario Ejemplo. Todos los derechos reservados."),
                       ("fr", "© {y} Le Journal. Tous droits réservés."),
                       ("de", "© {y} Beispiel Verlag GmbH. Alle Rechte vorbehalten."),
                       ("en", "Copyright {y} The Daily Example"),
                       ("ru", "© {y} Пример Медиа. Все права защищены.")):  # fmt: skip
        for with_truth in (True, False):
            d = b.date()
            header = [["title", b.pick(TITLES[lang])], ["byline", b.pick(BYLINES[lang])]]
            if with_truth:
                header.append(["dateline", FORMATS[lang]["dmy-long"](d)])
            tail = [["chrome", line.format(y=d.year)]]
            b.add(lang, "decoy", decoy="copyright", header=header, body=b.body(lang), tail=tail,
                  truth=d if with_truth else None, expected=d if with_truth else None,
                  decoys=[str(d.year)])  # fmt: skip
    for lang in ("en", "en", "es"):
        d = b.date()
        agency = "© Reuters" if lang == "en" else "© EFE"
        header = [["title", b.pick(TITLES[lang])],
                  ["byline", f"{b.pick(BYLINES[lang])} {agency} {d.year}"]]  # fmt: skip
        b.add(lang, "decoy", decoy="copyright-in-byline", header=header, body=b.body(lang),
              truth=None, expected=None, decoys=[str(d.year)])  # fmt: skip
    # 4. the site's "today" widget above the headline, and the true date after it
    for i, lang in enumerate(["en", "en", "es", "fr", "de", "it", "nl", "pt", "ru", "en"]):
        today = b.date(dt.date(2026, 1, 1))
        d = b.date(hi=today - dt.timedelta(days=2))
        fmt = "weekday-mdy" if lang == "en" else ("weekday-dmy")
        widget = FORMATS[lang][fmt](today)
        true_line = FORMATS[lang]["dmy-long"](d)
        if i % 2:
            true_line = header_line(CUES[lang][0], true_line)
        header = [["chrome", widget], ["chrome", b.pick(CHROME[lang])],
                  ["title", b.pick(TITLES[lang])], ["byline", b.pick(BYLINES[lang])],
                  ["dateline", true_line]]  # fmt: skip
        b.add(lang, "decoy", decoy="today-widget", header=header, body=b.body(lang), truth=d,
              expected=d, decoys=[today])  # fmt: skip
    # 5. events, timelines and births in the body; no header date
    events = [
        (
            "en",
            "The summit on 12 March 2026 will bring together the leaders of the region, "
            "officials said on the record.",
        ),
        (
            "en",
            "WASHINGTON, Jan. 3, 2026 — Lawmakers returned to the capital on Saturday to "
            "debate the spending bill.",
        ),
        (
            "en",
            "Born on 3 January 1960 in Bogotá, the former minister spent decades in public "
            "life before retiring.",
        ),
        (
            "en",
            "Since March 1, 2025, the border crossing has been closed to cargo traffic, "
            "traders said.",
        ),
        (
            "es",
            "BOGOTÁ, 3 de enero de 2026 (EFE) — El presidente ordenó el despliegue de tropas "
            "en la frontera.",
        ),
        (
            "fr",
            "Le festival aura lieu du 12 au 14 juin 2026 dans le centre historique de la "
            "ville, selon les organisateurs.",
        ),
        (
            "de",
            "BERLIN, 3. Januar 2026 – Die Regierung hat am Samstag neue Maßnahmen "
            "angekündigt, teilte ein Sprecher mit.",
        ),
        (
            "en",
            "On 3 January 2026 President Gustavo Petro announced on X that he had ordered "
            "troops to the border.",
        ),
        (
            "it",
            "La mostra, aperta fino al 15 febbraio 2026, ha già attirato migliaia di "
            "visitatori da tutta Italia.",
        ),
        (
            "ru",
            "Фестиваль пройдёт с 12 по 14 июня 2026 года в историческом центре города, "
            "сообщили организаторы.",
        ),
    ]
    leads = {1: dt.date(2026, 1, 3), 4: dt.date(2026, 1, 3), 6: dt.date(2026, 1, 3),
             7: dt.date(2026, 1, 3)}  # fmt: skip
    for i, (lang, lead) in enumerate(events):
        header = [["chrome", b.pick(CHROME[lang])], ["title", b.pick(TITLES[lang])],
                  ["byline", b.pick(BYLINES[lang])]]  # fmt: skip
        body = [lead, *b.body(lang)]
        extra: dict[str, Any] = {}
        if i in leads:
            extra["expected_body_lead"] = leads[i]
        if i in leads:  # the date of the reported event, read only with the body option
            b.add(lang, "body-lead", header=header, body=body, truth=leads[i], expected=None,
                  **extra)  # fmt: skip
        else:
            b.add(lang, "decoy", decoy="body-event", header=header, body=body, truth=None,
                  expected=None, decoys=["body"])  # fmt: skip
    # a timeline of dated lines in the body, as in seed 003, with "Updated (2 articles)"
    timeline = [
        "Nov 26, 2025 – At a ceremony marking the ninth anniversary of the peace deal, the "
        "president emphasizes protecting the accord's gains.",
        "Dec 19, 2025 – The president rejects a request for military aid and calls for a "
        "political solution backed by popular legitimacy.",
        "Jan 3, 2026 – The president orders the deployment of troops to the border.",
    ]
    for with_truth in (False, True):
        header = [["title", b.pick(TITLES["en"])], ["chrome", "Updated (2 articles)"]]
        if with_truth:
            header.append(["dateline", "Published: January 4, 2026"])
        b.add("en", "decoy", decoy="timeline", header=header,
              body=[*en_body, "Timeline", *timeline],
              truth=dt.date(2026, 1, 4) if with_truth else None,
              expected=dt.date(2026, 1, 4) if with_truth else None,
              decoys=["2025-11-26", "2025-12-19", "2026-01-03"])  # fmt: skip
    # 6. related links and reader comments with dates after the article
    for lang in ("en", "es", "de", "fr"):
        for with_truth in (True, False):
            d = b.date(hi=dt.date(2026, 4, 1))
            later = d + dt.timedelta(days=3)
            header = [["title", b.pick(TITLES[lang])], ["byline", b.pick(BYLINES[lang])]]
            if with_truth:
                header.append(["dateline", header_line(CUES[lang][0],
                               FORMATS[lang]["dmy-long"](d))])  # fmt: skip
            tail = [["related", RELATED[lang]],
                    ["related", f"{b.pick(TITLES[lang])} — {FORMATS[lang]['dmy-long'](later)}"],
                    ["chrome", COMMENTS_HEADING[lang]],
                    ["chrome", f"reader_42 · {FORMATS[lang]['dmy-long'](later)} 08:12"],
                    ]  # fmt: skip
            b.add(lang, "decoy", decoy="related-and-comments", header=header, body=b.body(lang),
                  tail=tail, truth=d if with_truth else None,
                  expected=d if with_truth else None, decoys=[later])  # fmt: skip
    # 7. a list of dated related stories above the headline (as a rendered page puts it)
    for lang, more in (("en", "More stories like this one"), ("es", "Más noticias"),
                       ("en", "Related coverage"), ("de", "Mehr zum Thema"),
                       ("en", "Latest news"), ("fr", "À lire aussi")):  # fmt: skip
        d = b.date(dt.date(2025, 1, 1))
        items = [d - dt.timedelta(days=b.rng.randrange(30, 900)) for _ in range(3)]
        header = [["chrome", b.pick(CHROME[lang])], ["related", more]]
        for item, title in zip(items, TITLES[lang][1:], strict=False):
            header += [["related", title], ["related", FORMATS[lang]["dmy-long"](item)]]
        header += [["title", TITLES[lang][0]], ["byline", b.pick(BYLINES[lang])]]
        variant = len([c for c in b.cases if c.get("decoy") == "related-list"]) % 3
        truth: dt.date | None = d
        if variant == 0:
            header.append(["dateline", header_line(CUES[lang][0], FORMATS[lang]["dmy-long"](d))])
        elif variant == 1:
            header.append(["dateline", FORMATS[lang]["dmy-long"](d)])
        else:
            truth = None
        b.add(lang, "decoy", decoy="related-list", header=header, body=b.body(lang),
              truth=truth, expected=truth, decoys=items)  # fmt: skip
    # 8. sports fixtures and weather in the header chrome
    for with_truth in (True, False):
        d = b.date(hi=dt.date(2026, 5, 1))
        match = d + dt.timedelta(days=4)
        header = [["chrome", f"Next match: {FORMATS['en']['weekday-dmy-abbr'](match)}, 20:00"],
                  ["chrome", f"Bogotá 18°C · {WEEKDAYS_ABBR_EN[d.weekday()]} {d.day}"],
                  ["title", b.pick(TITLES["en"])], ["byline", b.pick(BYLINES["en"])]]  # fmt: skip
        if with_truth:
            header.append(["dateline", f"Published {FORMATS['en']['mdy-long'](d)}"])
        b.add("en", "decoy", decoy="fixture-weather", header=header, body=b.body("en"),
              truth=d if with_truth else None, expected=d if with_truth else None,
              decoys=[match])  # fmt: skip


RELATED = {"en": "Related stories", "es": "Noticias relacionadas", "de": "Mehr zum Thema",
           "fr": "À lire aussi"}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Dates that must be rejected: no day, no year, relative, updated only, future, too old.


def rejections(b: Builder) -> None:
    rows = [
        ("en", "Updated 5 January 2026", "updated-only"),
        ("en", "Last updated: March 14, 2026 09:12 ET", "updated-only"),
        ("de", "Aktualisiert am 5. Januar 2026", "updated-only"),
        ("fr", "Mis à jour le 5 janvier 2026", "updated-only"),
        ("es", "Actualizado el 5 de enero de 2026", "updated-only"),
        ("en", "Posted 2 hours ago", "relative"),
        ("en", "Updated 3 days ago", "relative"),
        ("es", "Publicado hace 3 horas", "relative"),
        ("fr", "Publié il y a 2 jours", "relative"),
        ("de", "Veröffentlicht vor 3 Stunden", "relative"),
        ("it", "Pubblicato 3 giorni fa", "relative"),
        ("nl", "Geplaatst 2 uur geleden", "relative"),
        ("ru", "Опубликовано 3 дня назад", "relative"),
        ("zh", "发布时间：3小时前", "relative"),
        ("en", "Published: August 2025", "month-year"),
        ("es", "Publicado: agosto de 2025", "month-year"),
        ("de", "Veröffentlicht: März 2026", "month-year"),
        ("zh", "发布时间：2026年1月", "month-year"),
        ("en", "Published January 3", "no-year"),
        ("fr", "Publié le 3 janvier", "no-year"),
        ("en", "Published December 12, 2026", "future"),
        ("de", "Veröffentlicht am 24.12.2026", "future"),
        ("en", "Published 3 January 1850", "before-min-year"),
        ("en", "Published Monday, January 3, 2026", "weekday-mismatch"),
        ("es", "Publicado el lunes 3 de enero de 2026", "weekday-mismatch"),
    ]
    for lang, line, why in rows:
        header = [["title", b.pick(TITLES[lang])], ["byline", b.pick(BYLINES[lang])],
                  ["dateline", line]]  # fmt: skip
        b.add(lang, "reject", reason=why, header=header, body=b.body(lang), truth=None,
              expected=None)  # fmt: skip
    # the day after the run date is accepted (time zones); two days after is not
    for lang, days, expected in (("en", 1, True), ("en", 2, False), ("de", 1, True)):
        d = dt.date(2026, 3, 14)
        run = d - dt.timedelta(days=days)
        dateline = header_line(CUES[lang][0], FORMATS[lang]["dmy-long"](d))
        header = [["title", b.pick(TITLES[lang])], ["dateline", dateline]]
        b.add(lang, "unambiguous" if expected else "reject",
              reason=None if expected else "future", format="dmy-long", layout="run-date+1",
              header=header, body=b.body(lang), run_date=run.isoformat(),
              truth=d if expected else None, expected=d if expected else None)  # fmt: skip


# --------------------------------------------------------------------------------------------
# HTML pages: the metadata path (trafilatura/htmldate) and what the step makes of it.

HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | Example News</title>
{head}</head>
<body><header class="site-header"><div class="today">{today}</div>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
</header>
<main><article><h1>{title}</h1>
<div class="byline">{byline}</div>
{paragraphs}
</article>
<aside class="newsletter"><p>Sign up for our newsletter</p></aside></main>
<footer class="site-footer"><p>© 2010–2026 Example News. All rights reserved.</p></footer>
</body></html>
"""


def html_cases(b: Builder) -> None:
    def page(lang: str, head: str = "", byline: str = "", body: list[str] | None = None) -> str:
        paragraphs = "\n".join(f"<p>{p}</p>" for p in (body or b.body(lang)))
        return HTML_PAGE.format(
            lang=lang,
            title=b.pick(TITLES[lang]),
            head=head,
            today=FORMATS["en"]["weekday-mdy"](RUN_DATE),
            byline=byline or b.pick(BYLINES[lang]),
            paragraphs=paragraphs,
        )

    def add(lang: str, group: str, html: str, **fields: Any) -> None:
        b.add(lang, group, kind="html", html=html, **fields)
        b.cases[-1]["path"] = b.cases[-1]["path"].replace(".txt", ".html")

    meta = '<meta property="article:published_time" content="{v}">'
    modified = '<meta property="article:modified_time" content="{v}">'
    jsonld = (
        '<script type="application/ld+json">{{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "datePublished": "{v}"{m}}}</script>'
    )
    for lang in ("en", "en", "es", "fr", "de", "pt", "it", "ru"):
        d = b.date()
        add(lang, "unambiguous", page(lang, meta.format(v=f"{d.isoformat()}T09:30:00Z")),
            format="html-meta-iso", truth=d, expected=d)  # fmt: skip
    for lang in ("en", "en", "nl", "es"):
        d = b.date()
        up = min(RUN_DATE, d + dt.timedelta(days=2))
        m = f', "dateModified": "{up.isoformat()}T11:00:00+01:00"'
        add(lang, "unambiguous", page(lang, jsonld.format(v=f"{d.isoformat()}T08:00:00+01:00",
            m=m)), format="html-jsonld-published-modified", truth=d, expected=d)  # fmt: skip
    for lang in ("en", "fr", "de"):
        d = b.date()
        byline = (f'{b.pick(BYLINES[lang])} · <time datetime="{d.isoformat()}T07:00:00Z">'
                  f"{FORMATS[lang]['dmy-long'](d)}</time>")  # fmt: skip
        add(lang, "unambiguous", page(lang, byline=byline), format="html-time-element",
            truth=d, expected=d)  # fmt: skip
    for lang in ("en", "es"):
        d = b.date(hi=dt.date(2026, 5, 1))
        up = d + dt.timedelta(days=3)
        head = meta.format(v=f"{d.isoformat()}T06:00:00Z") + modified.format(
            v=f"{up.isoformat()}T06:00:00Z"
        )
        add(lang, "unambiguous", page(lang, head), format="html-published-and-modified",
            truth=d, expected=d, decoys=[up])  # fmt: skip
    for lang in ("en", "de"):
        d = b.date()
        byline = (
            f"{b.pick(BYLINES[lang])} — {header_line(CUES[lang][0], FORMATS[lang]['dmy-long'](d))}"
        )
        add(lang, "unambiguous", page(lang, byline=byline), format="html-visible-dateline",
            truth=d, expected=d)  # fmt: skip
    # a US page: ISO metadata and the same date shown month-first
    d = b.ambiguous_date()
    add("en", "unambiguous", page("en", meta.format(v=f"{d.isoformat()}T09:30:00Z"),
        byline=f"By Jane Doe | {numeric(d, 'mdy', '/')}"), format="html-meta-iso+visible-mdy",
        truth=d, expected=d)  # fmt: skip
    # a UK page: ISO metadata and the same date shown day-first. The step cannot tell the
    # metadata from htmldate's day-first guess (it only sees the date): it abstains.
    d = b.ambiguous_date()
    add("en", "unambiguous", page("en", meta.format(v=f"{d.isoformat()}T09:30:00Z"),
        byline=f"By Jane Doe | {numeric(d, 'dmy', '/')}"), format="html-meta-iso+visible-dmy",
        truth=d, expected=d,
        note="needs the raw metadata strings (date_strings) to be read")  # fmt: skip
    # no metadata, a visible ambiguous date only: htmldate reads it day-first
    for order in ("mdy", "dmy", "mdy"):
        d = b.ambiguous_date()
        add("en", "ambiguous-no-evidence", page("en", byline=f"By Jane Doe | <span class=\"date\">"
            f"{numeric(d, order, '/')}</span>"), evidence="html-visible-numeric", order=order,
            truth=d, expected=None)  # fmt: skip
    # ... with weekday evidence in the body
    for order in ("mdy", "dmy"):
        d = b.ambiguous_date()
        while not night_is_evidence("en", d):
            d = b.ambiguous_date()
        body = b.body("en")
        body = [night_sentence("en", d) + " " + body[0], *body[1:]]
        add("en", "ambiguous-evidence", page("en", byline=f"By Jane Doe | <span class=\"date\">"
            f"{numeric(d, order, '/')}</span>", body=body), evidence="html-weekday-in-body",
            order=order, truth=d, expected=d)  # fmt: skip
    # invisible ambiguous metadata: htmldate's day-first guess never reaches the step as such
    for order in ("dmy", "mdy"):
        d = b.ambiguous_date()
        add("en", "ambiguous-no-evidence", page("en", f'<meta name="date" content="'
            f'{numeric(d, order, "/")}">'), evidence="html-meta-numeric", order=order, truth=d,
            expected=None, note="htmldate reads the meta content day-first; the step sees an "
            "ISO date")  # fmt: skip
    # only a modified date: htmldate returns it as the date
    d = b.date()
    add("en", "reject", page("en", modified.format(v=f"{d.isoformat()}T06:00:00Z")),
        reason="html-modified-only", truth=None, expected=None, decoys=[d],
        note="htmldate returns the modified date when there is no published one")  # fmt: skip
    # no date at all: the today widget and the copyright line are not dates of the article
    for lang in ("en", "es"):
        add(lang, "decoy", page(lang), decoy="html-today-widget-copyright", truth=None,
            expected=None, decoys=[RUN_DATE])  # fmt: skip


# --------------------------------------------------------------------------------------------
# Header blocks as particular sites write them (shapes seen on real news sites; names and dates
# invented). (lang, group, header, expected, truth, note)

J3 = dt.date(2026, 1, 3)
J13 = dt.date(2026, 1, 13)
SITE_BLOCKS: list[tuple[str, str, list[list[str]], dt.date | None, dt.date | None, str]] = [
    ("en", "unambiguous", [["title", TITLES["en"][0]],
     ["byline", "Tom Phillips in Rio de Janeiro"], ["dateline", "Sat 3 Jan 2026 17.14 GMT"]],
     J3, J3, "dotted time and zone after the date"),
    ("en", "reject", [["title", TITLES["en"][1]],
     ["dateline", "Last modified on Sat 3 Jan 2026 18.02 GMT"]], None, None,
     "only a modification date"),
    ("en", "reject", [["title", TITLES["en"][2]], ["byline", "By Jane Doe, CNN"],
     ["dateline", "Updated 3:45 PM EST, Sat January 3, 2026"]], None, None,
     "only an updated date, time first"),
    ("en", "unambiguous", [["title", TITLES["en"][3]],
     ["dateline", "Published 10:12 AM EST, Sat January 3, 2026"]], J3, J3, "time before date"),
    ("en", "unambiguous", [["title", TITLES["en"][4]],
     ["dateline", "January 3, 2026 / 10:30 AM / Updated 2 hours ago"]], J3, J3,
     "date, time and a relative update on one line"),
    ("en", "unambiguous", [["title", TITLES["en"][5]], ["byline", "By Jane Doe"],
     ["dateline", "January 3, 2026 | 4 min read"]], J3, J3, "reading time after the date"),
    ("en", "unambiguous", [["title", TITLES["en"][6]],
     ["byline", "Posted by admin on January 3, 2026"]], J3, J3, "blog byline"),
    ("en", "unambiguous", [["title", TITLES["en"][7]], ["byline", "Jane Doe | January 3, 2026"]],
     J3, J3, "name and date, no cue"),
    ("en", "unambiguous", [["title", TITLES["en"][0]],
     ["dateline", "Saturday the 3rd of January, 2026"]], J3, J3, "weekday, article, ordinal"),
    ("en", "unambiguous", [["title", TITLES["en"][1]], ["dateline", "3rd Jan 2026, 9:05am"]],
     J3, J3, "ordinal and compact time"),
    ("ru", "unambiguous", [["title", TITLES["ru"][0]], ["dateline", "14:05, 3 января 2026"]],
     J3, J3, "time before date"),
    ("ru", "reject", [["title", TITLES["ru"][1]], ["dateline", "Вчера, 10:30"]], None, None,
     "relative"),
    ("ru", "ambiguous-no-evidence", [["title", TITLES["ru"][2]], ["dateline", "03.01.2026 14:05"]],
     None, J3, "numeric, no evidence"),
    ("de", "reject", [["title", TITLES["de"][0]], ["dateline", "Stand: 03.01.2026 14:05 Uhr"]],
     None, None, "'Stand' is an update time"),
    ("de", "unambiguous", [["title", TITLES["de"][1]],
     ["dateline", "Veröffentlicht am 13.01.2026 um 14:05 Uhr"]], J13, J13, "um ... Uhr"),
    ("de", "ambiguous-no-evidence", [["title", TITLES["de"][2]],
     ["dateline", "03.01.2026, 14.05 Uhr"]], None, J3, "numeric, no evidence"),
    ("de", "ambiguous-evidence", [["title", TITLES["de"][3]], ["byline", "Von Anna Schmidt"],
     ["dateline", "Samstag, 03.01.2026, 14:05 Uhr"]], J3, J3, "weekday with the date"),
    ("es", "unambiguous", [["title", TITLES["es"][0]],
     ["dateline", "Madrid - 03 ENE 2026 - 10:30 CET"]], J3, J3, "place before the date"),
    ("es", "reject", [["title", TITLES["es"][1]], ["dateline", "Actualizado: 05/01/2026 10:30h"]],
     None, None, "only an updated date, ambiguous"),
    ("fr", "unambiguous", [["title", TITLES["fr"][0]],
     ["dateline", "Publié le 03 janvier 2026 à 10h30, modifié le 05 janvier 2026 à 14h05"]],
     J3, J3, "published and modified on one line"),
    ("fr", "reject", [["title", TITLES["fr"][1]], ["byline", "Par Jean Dupont"],
     ["dateline", "Publié aujourd'hui à 10h30"]], None, None, "relative"),
    ("pt", "ambiguous-no-evidence", [["title", TITLES["pt"][0]],
     ["dateline", "03/01/2026 às 10h30 - Atualizado em 03/01/2026 às 14h05"]], None, J3,
     "numeric published and updated, no evidence"),
    ("pt", "ambiguous-no-evidence", [["title", TITLES["pt"][1]],
     ["byline", "Por Ana Souza — São Paulo"], ["dateline", "03/01/2026 10h30"]], None, J3,
     "numeric, no evidence"),
    ("it", "unambiguous", [["title", TITLES["it"][0]],
     ["dateline", "Sabato 3 gennaio 2026, ore 10:30"]], J3, J3, "capitalised weekday"),
    ("nl", "unambiguous", [["title", TITLES["nl"][0]], ["dateline", "za 3 jan 2026, 10:30"]],
     J3, J3, "two-letter weekday"),
    ("ja", "unambiguous", [["title", TITLES["ja"][0]],
     ["dateline", "2026年1月3日(土) 10時30分"]], J3, J3, "weekday and CJK time"),
    ("zh", "unambiguous", [["title", TITLES["zh"][0]],
     ["dateline", "2026-01-03 10:30:15 来源：新华社"]], J3, J3, "date, time and source"),
    ("ko", "unambiguous", [["title", TITLES["ko"][0]],
     ["dateline", "입력 2026.01.03 10:30 수정 2026.01.03 14:05"]], J3, J3,
     "published and modified"),
]  # fmt: skip


def site_blocks(b: Builder) -> None:
    for lang, group, header, expected, truth, note in SITE_BLOCKS:
        b.add(lang, group, format="site-block", header=header, body=b.body(lang),
              expected=expected, truth=truth, note=note, run_date="2026-06-01")  # fmt: skip
    # the site's "today" widget above the menu, and no date of the article
    for lang in ("en", "es", "de"):
        today = b.date(dt.date(2026, 1, 1))
        fmt = "weekday-mdy" if lang == "en" else "weekday-dmy"
        header = [["chrome", FORMATS[lang][fmt](today)], ["chrome", CHROME[lang][0]],
                  ["title", b.pick(TITLES[lang])], ["byline", b.pick(BYLINES[lang])]]  # fmt: skip
        b.add(lang, "decoy", decoy="today-widget-only", header=header, body=b.body(lang),
              truth=None, expected=None, decoys=[today])  # fmt: skip


def main() -> None:
    b = Builder()
    unambiguous(b)
    ambiguous(b)
    decoys(b)
    rejections(b)
    site_blocks(b)
    html_cases(b)
    with OUT.open("w", encoding="utf-8") as handle:
        for case in b.cases:
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    groups: dict[str, int] = {}
    for case in b.cases:
        groups[case["group"]] = groups.get(case["group"], 0) + 1
    print(f"{len(b.cases)} cases -> {OUT}: {groups}")


if __name__ == "__main__":
    main()
