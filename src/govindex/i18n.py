"""Texts in English, Russian and Kazakh: the message table of charts, reports and the console.

Charts (:mod:`govindex.plotting`), HTML reports (:mod:`govindex.report`) and the demo's
console tables take ``lang="en" | "ru" | "kk"``. Entity names come from the entities
table (``name_en``, ``name_ru``, ``name_kk``), indicator names from the catalog (``name``,
and the optional ``name_ru``, ``name_kk``), each falling back to English, then the code.
The fixed texts (titles, legends, class names, headings) come from :data:`MESSAGES`, one
checked table: every message has its three languages and the same ``{fields}`` in each
(``tests/test_i18n.py``). :doc:`/charts` says why a checked table rather than gettext.

For example (the message keys are listed in :data:`MESSAGES`):

>>> text("class.deteriorated", "kk"), text("class.deteriorated", "ru")
('нашарлау', 'ухудшение')
>>> text("status.window", "en", year=2025, start=2022)
'assessment year 2025, window 2022–2025'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

from govindex.entities import LANGUAGES, Language
from govindex.exceptions import MethodError, closest_name, format_items

if TYPE_CHECKING:
    from govindex.catalog import Catalog
    from govindex.entities import Entities

__all__ = [
    "CLASS_KEYS",
    "MESSAGES",
    "check_language",
    "class_name",
    "entity_labels",
    "indicator_labels",
    "text",
]

#: Classes of an indicator change, in the order of the legends.
CLASS_KEYS: Final = ("improved", "stable", "deteriorated", "missing", "not applicable")

#: Every fixed text: key → (English, Russian, Kazakh). ``{name}`` fields are filled by
#: :func:`text`; each language has the same fields.
MESSAGES: Final[Mapping[str, tuple[str, str, str]]] = {
    # --- classes of a change
    "class.improved": ("improved", "улучшение", "жақсару"),
    "class.stable": ("stable", "без изменений", "өзгеріссіз"),
    "class.deteriorated": ("deteriorated", "ухудшение", "нашарлау"),
    "class.missing": ("missing", "нет данных", "дерек жоқ"),
    "class.not applicable": ("not applicable", "не применяется", "қолданылмайды"),
    "class.stable_survey": (
        "stable: change not significant (survey, p ≥ α = {alpha})",
        "без изменений: изменение незначимо (опрос, p ≥ α = {alpha})",
        "өзгеріссіз: өзгеріс мәнсіз (сауалнама, p ≥ α = {alpha})",
    ),
    "legend.class": ("class", "класс", "сынып"),
    # --- the status line of every chart
    "status.window": (
        "assessment year {year}, window {start}–{year}",
        "год оценки {year}, период {start}–{year}",
        "бағалау жылы {year}, кезең {start}–{year}",
    ),
    "status.year": ("year {year}", "год {year}", "{year} жыл"),
    "status.years": ("years {start}–{end}", "годы {start}–{end}", "{start}–{end} жылдар"),
    "status.synthetic": (
        "SYNTHETIC demo data — not real statistics",
        "СИНТЕТИЧЕСКИЕ демонстрационные данные — не реальная статистика",
        "СИНТЕТИКАЛЫҚ демо деректер — нақты статистика емес",
    ),
    "status.real": (
        "real data: {source}",
        "реальные данные: {source}",
        "нақты деректер: {source}",
    ),
    "status.real_unsourced": (
        "real data (not synthetic)",
        "реальные данные (не синтетические)",
        "нақты деректер (синтетикалық емес)",
    ),
    # --- flags on values
    "flag.imputed": ("imputed", "восстановлено", "толықтырылған"),
    "flag.rebased": ("re-based", "пересчитано", "қайта есептелген"),
    "flag.break": ("series break", "разрыв ряда", "қатар үзілісі"),
    "flag.derived": ("derived", "выведено", "шығарылған"),
    "flag.reference": ("reference row", "справочная строка", "анықтамалық жол"),
    "flag.capped": ("capped", "ограничено", "шектелген"),
    "flag.shifted": ("end point shifted", "сдвинута точка", "нүкте ығысқан"),
    "flag.legend": (
        "flagged value: {flags}",
        "отмеченное значение: {flags}",
        "белгіленген мән: {flags}",
    ),
    # --- risk heat map
    "heatmap.title": (
        "Indicator classes, change {start}–{year}",
        "Классы индикаторов, изменение за {start}–{year}",
        "Индикаторлар сыныптары, {start}–{year} өзгерісі",
    ),
    "heatmap.xlabel": (
        "{shown} of {total} indicators, most deteriorated first",
        "{shown} из {total} индикаторов, сначала наиболее ухудшившиеся",
        "{total} индикатордың {shown}, алдымен ең көп нашарлағандары",
    ),
    "heatmap.xlabel_all": ("Indicator", "Индикатор", "Индикатор"),
    "heatmap.ylabel_sorted": (
        "Entity (highest share deteriorated on top)",
        "Орган (наибольшая доля ухудшений сверху)",
        "Орган (нашарлау үлесі ең жоғарысы жоғарыда)",
    ),
    "heatmap.ylabel": ("Entity", "Орган", "Орган"),
    "sphere.title": (
        "Share of indicators deteriorated by sphere, {start}–{year}",
        "Доля ухудшившихся индикаторов по сферам, {start}–{year}",
        "Салалар бойынша нашарлаған индикаторлар үлесі, {start}–{year}",
    ),
    "sphere.xlabel": (
        "Sphere (cells: deteriorated / scored indicators; grey: none scored)",
        "Сфера (в ячейках: ухудшилось / оценено; серый: не оценено)",
        "Сала (ұяшықта: нашарлаған / бағаланған; сұр: бағаланбаған)",
    ),
    "sphere.colorbar": (
        "share of scored indicators deteriorated",
        "доля оценённых индикаторов с ухудшением",
        "бағаланған индикаторлардағы нашарлау үлесі",
    ),
    "sphere.own_title": (
        "Share of each body's indicators deteriorated, {start}–{year}",
        "Доля ухудшившихся индикаторов каждого органа, {start}–{year}",
        "Әр органның нашарлаған индикаторлар үлесі, {start}–{year}",
    ),
    "sphere.own_xlabel": (
        "Share deteriorated (each body is assessed on its own sphere; label: "
        "deteriorated / scored)",
        "Доля ухудшений (каждый орган оценивается по своей сфере; подпись: ухудшилось / оценено)",
        "Нашарлау үлесі (әр орган өз саласы бойынша бағаланады; жазу: нашарлаған / бағаланған)",
    ),
    # --- changes of one body
    "changes.title": (
        "{entity}: indicator changes {start}–{year} ({gpi})",
        "{entity}: изменения индикаторов {start}–{year} ({gpi})",
        "{entity}: индикаторлардың өзгерістері {start}–{year} ({gpi})",
    ),
    "changes.value_header": (
        "yearly change\n(direction-adjusted)",
        "изменение в год\n(с учётом направления)",
        "жылдық өзгеріс\n(бағытын ескергенде)",
    ),
    "changes.xlabel": (
        "Progress score − 50  (0 = no change; ±50 = yearly change at the indicator's cap)",
        "Балл прогресса − 50  (0 = без изменений; ±50 = изменение в год на уровне предела)",
        "Прогресс балы − 50  (0 = өзгеріссіз; ±50 = жылдық өзгеріс шегінде)",
    ),
    "changes.no_score": ("no score: {reason}", "нет балла: {reason}", "балл жоқ: {reason}"),
    "gpi.value": ("GPI {value}", "GPI {value}", "GPI {value}"),
    "gpi.none": ("no GPI", "нет GPI", "GPI жоқ"),
    # --- ranking
    "ranking.title": (
        "Government Performance Index {year}",
        "Индекс эффективности деятельности госорганов {year}",
        "Мемлекеттік органдар қызметінің тиімділік индексі {year}",
    ),
    "ranking.title_kind": (
        "Government Performance Index {year}, {kind}",
        "Индекс эффективности деятельности госорганов {year}, {kind}",
        "Мемлекеттік органдар қызметінің тиімділік индексі {year}, {kind}",
    ),
    "kind.central": (
        "central government bodies",
        "центральные государственные органы",
        "орталық мемлекеттік органдар",
    ),
    "kind.local": (
        "local executive bodies",
        "местные исполнительные органы",
        "жергілікті атқарушы органдар",
    ),
    "ranking.xlabel": (
        "GPI (50 = no change on average; 100 = every indicator at its cap)",
        "GPI (50 = в среднем без изменений; 100 = все индикаторы на пределе)",
        "GPI (50 = орташа өзгеріссіз; 100 = барлық индикатор шегінде)",
    ),
    "ranking.scored": (
        "{scored} of {total} scored",
        "оценено {scored} из {total}",
        "{total} ішінен {scored} бағаланды",
    ),
    "ranking.no_index": ("no index: {reason}", "нет индекса: {reason}", "индекс жоқ: {reason}"),
    "ranking.reference": ("ref.", "справ.", "анықт."),
    "ranking.classes": (
        "Indicators by class\n(share %; counts in bars)",
        "Индикаторы по классам\n(доля %; в столбцах число)",
        "Сыныптар бойынша индикаторлар\n(үлес %; бағанда саны)",
    ),
    "ranking.reference_note": (
        "hatched: reference row (aggregate or total), scored but not ranked",
        "штриховка: справочная строка (агрегат или итог), оценена, но без ранга",
        "штрихталған: анықтамалық жол (агрегат не жиынтық), бағаланған, бірақ орынсыз",
    ),
    # --- NPI
    "npi.xlabel": (
        "Ratio × 100, direction-adjusted (capped to [{low}, {high}])",
        "Отношение × 100 с учётом направления (ограничено [{low}, {high}])",
        "Қатынас × 100, бағытын ескергенде ([{low}, {high}] шектелген)",
    ),
    "npi.vs": ("vs {what} (= 100)", "к {what} (= 100)", "{what} бойынша (= 100)"),
    "npi.capped": (
        "capped (uncapped value)",
        "ограничено (значение без ограничения)",
        "шектелген (шектеусіз мәні)",
    ),
    "npi.title": (
        "{country} in {year}: NPI {ref_value} vs {reference}, {base_value} vs {base_year}",
        "{country}, {year}: NPI {ref_value} к {reference}, {base_value} к {base_year}",
        "{country}, {year}: NPI {reference} бойынша {ref_value}, {base_year} бойынша {base_value}",
    ),
    "npi.on_indicators": (
        " (on {n_ref} and {n_base} of {n} indicators)",
        " (по {n_ref} и {n_base} из {n} индикаторов)",
        " ({n} индикатордың {n_ref} және {n_base} бойынша)",
    ),
    "npi.no_value": ("no value in {year}", "нет значения за {year}", "{year} жылы мән жоқ"),
    "npi.na": ("vs {what}: n/a", "к {what}: н/д", "{what} бойынша: жоқ"),
    "npi.trend_title": (
        "National Progress Index of {country}",
        "Индекс национального прогресса: {country}",
        "Ұлттық прогресс индексі: {country}",
    ),
    "npi.series": ("NPI vs {what} (= 100)", "NPI к {what} (= 100)", "NPI, {what} бойынша (= 100)"),
    "npi.mean_of": ("mean of {n} members", "среднее {n} членов", "{n} мүшенің орташасы"),
    "npi.ylabel": (
        "Index (100 = reference / base-year level)",
        "Индекс (100 = уровень сравнения / базового года)",
        "Индекс (100 = салыстыру / базалық жыл деңгейі)",
    ),
    "npi.coverage": (
        "number of indicators changed (n)",
        "изменилось число индикаторов (n)",
        "индикаторлар саны өзгерді (n)",
    ),
    "npi.base_year": ("base year", "базовый год", "базалық жыл"),
    "axis.year": ("Year", "Год", "Жыл"),
    # --- attribution, uncertainty, sensitivity
    "attribution.old": ("old score", "прежний балл", "бұрынғы балл"),
    "attribution.new": ("new score", "новый балл", "жаңа балл"),
    "attribution.other": ("other ({n} items)", "прочие ({n})", "басқалары ({n})"),
    "attribution.xlabel": (
        "Score of {node} (bars of contributions sum to the change)",
        "Балл {node} (сумма вкладов равна изменению)",
        "{node} балы (үлестердің қосындысы өзгеріске тең)",
    ),
    "attribution.title": (
        "{entity}: {node} {old} → {new} ({delta}), contributions",
        "{entity}: {node} {old} → {new} ({delta}), вклады",
        "{entity}: {node} {old} → {new} ({delta}), үлестер",
    ),
    "attribution.legend": (
        "blue: raised the score; red: lowered it; grey: old and new score",
        "синий: повысило балл; красный: снизило; серый: прежний и новый балл",
        "көк: балды көтерді; қызыл: төмендетті; сұр: бұрынғы және жаңа балл",
    ),
    "uncertainty.interval": (
        "5th–95th percentile",
        "5–95-й процентили",
        "5–95 процентильдер",
    ),
    "uncertainty.median": ("median rank", "медианный ранг", "медианалық орын"),
    "uncertainty.nominal": ("nominal rank", "номинальный ранг", "номиналды орын"),
    "uncertainty.xlabel": ("rank (1 = best)", "ранг (1 = лучший)", "орын (1 = ең үздік)"),
    "uncertainty.title": (
        "{kind} rank intervals over {n} replications",
        "{kind}: интервалы рангов, {n} повторений",
        "{kind}: орындар аралықтары, {n} қайталау",
    ),
    "sensitivity.s1": ("first order S1", "первого порядка S1", "бірінші ретті S1"),
    "sensitivity.st": ("total effect ST", "полный эффект ST", "толық әсер ST"),
    "sensitivity.ylabel": ("Sobol index", "индекс Соболя", "Соболь индексі"),
    "sensitivity.title": (
        "Sensitivity of {output} (N = {n}, {level} intervals)",
        "Чувствительность {output} (N = {n}, интервалы {level})",
        "{output} сезімталдығы (N = {n}, {level} аралықтар)",
    ),
    "sensitivity.note": (
        "error bars: bootstrap confidence half-widths",
        "планки: бутстреп-полуширина доверительного интервала",
        "қателік сызықтары: бутстреп сенім аралығының жартысы",
    ),
    # --- operational assessment
    "op.blocks_title": (
        "Operational assessment — {code}, {year} ({stage})",
        "Оценка организационной деятельности — {code}, {year} ({stage})",
        "Ұйымдастырушылық қызметті бағалау — {code}, {year} ({stage})",
    ),
    "op.points": (
        "points (max {max} + bonus)",
        "баллы (макс. {max} + бонус)",
        "балдар (ең көбі {max} + бонус)",
    ),
    "op.bonus": ("bonus", "бонус", "бонус"),
    "op.penalty": ("penalty (−)", "штраф (−)", "айыппұл (−)"),
    "op.penalty_value": ("penalty {value}", "штраф {value}", "айыппұл {value}"),
    "op.lost_title": (
        "Points lost per criterion — {code}, {year} ({stage})",
        "Потерянные баллы по критериям — {code}, {year} ({stage})",
        "Өлшемшарттар бойынша жоғалтылған балдар — {code}, {year} ({stage})",
    ),
    "op.lost_colorbar": (
        "points lost (max − points)",
        "потеряно баллов (макс. − баллы)",
        "жоғалтылған балдар (ең көбі − балл)",
    ),
    "op.lost_ylabel": (
        "Body (most points lost on top)",
        "Орган (больше всего потерь сверху)",
        "Орган (ең көп жоғалтқаны жоғарыда)",
    ),
    "stage.preliminary": ("preliminary", "предварительные", "алдын ала"),
    "stage.final": ("final", "окончательные", "түпкілікті"),
    # --- report pages
    "report.all_bodies": ("All bodies", "Все органы", "Барлық органдар"),
    "report.assessment": (
        "{set}, assessment year {year}, window {start}–{year}.",
        "{set}, год оценки {year}, период {start}–{year}.",
        "{set}, бағалау жылы {year}, кезең {start}–{year}.",
    ),
    "report.overview_sub": (
        "Assessment year {year}, window {start}–{year}. {n} bodies assessed.",
        "Год оценки {year}, период {start}–{year}. Оценено органов: {n}.",
        "Бағалау жылы {year}, кезең {start}–{year}. Бағаланған органдар: {n}.",
    ),
    "report.how_title": (
        "How to read this page",
        "Как читать эту страницу",
        "Бұл бетті қалай оқу керек",
    ),
    "report.how_body": (
        "Each indicator's change over the window is classed improved, stable or "
        "deteriorated and scored 0–100 (50 = no change; 100 = a yearly change at the "
        "indicator's cap). The GPI is the weighted mean of these scores over the body's "
        "indicators. Risk areas list the regressions, most severe first. Marks next to a "
        "value: ◆ imputed, re-based across a reorganisation, series break or reference row "
        "(the note under the indicator says which).",
        "Изменение каждого индикатора за период относится к классу «улучшение», «без "
        "изменений» или «ухудшение» и получает балл 0–100 (50 = без изменений; 100 = "
        "изменение в год на уровне предела). GPI — взвешенное среднее этих баллов по "
        "индикаторам органа. Зоны риска перечисляют ухудшения, самые серьёзные первыми. "
        "Знак рядом со значением: ◆ восстановлено, пересчитано после реорганизации, разрыв "
        "ряда или справочная строка (пояснение под индикатором).",
        "Әр индикатордың кезеңдегі өзгерісі «жақсару», «өзгеріссіз» немесе «нашарлау» "
        "сыныбына жатқызылып, 0–100 балмен бағаланады (50 = өзгеріссіз; 100 = жылдық "
        "өзгеріс шегінде). GPI — органның индикаторлары бойынша осы балдардың өлшенген "
        "орташасы. Тәуекел аймақтары нашарлауларды ең ауырынан бастап көрсетеді. Мән "
        "жанындағы белгі: ◆ толықтырылған, қайта ұйымдастырудан кейін қайта есептелген, "
        "қатар үзілісі немесе анықтамалық жол (түсініктеме индикатор астында).",
    ),
    "report.gpi": ("GPI", "GPI", "GPI"),
    "report.gpi_sub": (
        "50 = no change on average",
        "50 = в среднем без изменений",
        "50 = орташа өзгеріссіз",
    ),
    "report.rank": ("Rank", "Ранг", "Орын"),
    "report.rank_of": ("of {n} {kind} bodies", "из {n} органов ({kind})", "{n} органның ({kind})"),
    "report.improved": ("Improved", "Улучшение", "Жақсару"),
    "report.stable": ("Stable", "Без изменений", "Өзгеріссіз"),
    "report.deteriorated": ("Deteriorated", "Ухудшение", "Нашарлау"),
    "report.of_scored": ("of {n} scored", "из {n} оценённых", "{n} бағаланғаннан"),
    "report.coverage": ("Coverage", "Охват", "Қамту"),
    "report.coverage_sub": (
        "{scored} of {n} indicators",
        "{scored} из {n} индикаторов",
        "{n} индикатордың {scored}",
    ),
    "report.no_gpi": ("No GPI: {reason}", "Нет GPI: {reason}", "GPI жоқ: {reason}"),
    "report.risks": ("Risk areas", "Зоны риска", "Тәуекел аймақтары"),
    "report.risks_none": (
        "No risk area: no indicator deteriorated and no sphere crossed a threshold.",
        "Зон риска нет: ни один индикатор не ухудшился, ни одна сфера не превысила порог.",
        "Тәуекел аймағы жоқ: бірде-бір индикатор нашарламады, бірде-бір сала шектен аспады.",
    ),
    "report.risks_order": (
        "Most severe first (severity = size of the regression × weight).",
        "Самые серьёзные первыми (серьёзность = величина ухудшения × вес).",
        "Ең ауыры бірінші (ауырлық = нашарлау шамасы × салмақ).",
    ),
    "report.level": ("Level", "Уровень", "Деңгей"),
    "report.sphere": ("Sphere", "Сфера", "Сала"),
    "report.indicator": ("Indicator", "Индикатор", "Индикатор"),
    "report.severity": ("Severity", "Серьёзность", "Ауырлық"),
    "report.why": ("Why", "Причина", "Себебі"),
    "report.strengths": ("Strengths", "Сильные стороны", "Күшті жақтары"),
    "report.weaknesses": ("Weaknesses", "Слабые стороны", "Әлсіз жақтары"),
    "report.score": ("Score", "Балл", "Балл"),
    "report.percentile": ("Percentile", "Процентиль", "Процентиль"),
    "report.changes": (
        "Indicator changes",
        "Изменения индикаторов",
        "Индикаторлардың өзгерістері",
    ),
    "report.start": ("Start", "Начало", "Басы"),
    "report.end": ("End", "Конец", "Соңы"),
    "report.value": ("Value", "Значение", "Мәні"),
    "report.change": ("Change", "Изменение", "Өзгеріс"),
    "report.class": ("Class", "Класс", "Сынып"),
    "report.flags": ("Flags", "Отметки", "Белгілер"),
    "report.change_note": (
        "Change: direction-adjusted yearly change (%/yr for relative and slope rules, units "
        "per year for absolute ones). Score: 50 + 50 · clip(change / cap, −1, 1).",
        "Изменение: изменение в год с учётом направления (%/год для относительного и "
        "трендового правил, единиц в год для абсолютного). Балл: 50 + 50 · clip(изменение / "
        "предел, −1, 1).",
        "Өзгеріс: бағытын ескергендегі жылдық өзгеріс (салыстырмалы және тренд ережесі үшін "
        "%/жыл, абсолютті ереже үшін бірлік/жыл). Балл: 50 + 50 · clip(өзгеріс / шек, −1, 1).",
    ),
    "report.change_since": (
        "Change since {year}",
        "Изменение с {year}",
        "{year} жылдан бергі өзгеріс",
    ),
    "report.body": ("Body", "Орган", "Орган"),
    "report.ranking": ("Levels and ranking", "Уровни и рейтинг", "Деңгейлер мен рейтинг"),
    "report.risk_area": ("Risk area", "Зона риска", "Тәуекел аймағы"),
    "report.op_total": (
        "Operational total ({when})",
        "Итог оценки деятельности ({when})",
        "Қызметті бағалау қорытындысы ({when})",
    ),
    "report.op_level": ("Efficiency level", "Уровень эффективности", "Тиімділік деңгейі"),
    "report.generated": (
        "Made with govindex {version}. Every number on this page is traceable to the inputs "
        "through the method and the fingerprints below; re-running with the same inputs "
        "reproduces this page byte for byte.",
        "Создано govindex {version}. Каждое число на странице прослеживается до исходных "
        "данных через метод и отпечатки ниже; повторный запуск на тех же данных "
        "воспроизводит страницу байт в байт.",
        "govindex {version} арқылы жасалған. Беттегі әр сан төмендегі әдіс пен іздер арқылы "
        "бастапқы деректерге дейін қадағаланады; сол деректермен қайта іске қосу бетті "
        "байтқа дейін қайталайды.",
    ),
    "report.stage_of": (
        "{stage}, {when}",
        "{stage}, {when}",
        "{stage}, {when}",
    ),
}


def check_language(lang: object) -> Language:
    """``lang`` if it is one of :data:`LANGUAGES`, else a :class:`MethodError` naming them.

    Examples
    --------
    >>> check_language("kk")
    'kk'
    """
    if lang not in LANGUAGES:
        hint = closest_name(str(lang), LANGUAGES)
        tip = f" (did you mean {hint!r}?)" if hint else ""
        raise MethodError(
            f"unknown language {lang!r}{tip}; expected one of {format_items(LANGUAGES)} "
            "(English, Russian, Kazakh)"
        )
    return lang


def text(key: str, lang: Language = "en", /, **fields: object) -> str:
    """The message ``key`` in ``lang`` with its ``{fields}`` filled.

    Raises
    ------
    MethodError
        An unknown key or language, or a field missing.
    """
    idx = LANGUAGES.index(check_language(lang))
    try:
        template = MESSAGES[key][idx]
    except KeyError:
        hint = closest_name(key, list(MESSAGES))
        raise MethodError(
            f"unknown message {key!r}" + (f"; did you mean {hint!r}?" if hint else "")
        ) from None
    try:
        return template.format(**fields)
    except KeyError as exc:
        raise MethodError(f"message {key!r} needs the field {exc.args[0]!r}") from None


def class_name(cls: str, lang: Language = "en") -> str:
    """The name of an indicator class (``improved``, ``stable``, …) in ``lang``.

    Examples
    --------
    >>> class_name("improved", "ru")
    'улучшение'
    """
    return text(f"class.{cls}", lang)


def entity_labels(
    codes: Iterable[str], lang: Language = "en", table: Entities | None = None
) -> list[str]:
    """Names of entity ``codes`` from an entities table in ``lang`` (else English, else the
    code); the codes themselves without a table.

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex.entities import Entities
    >>> ent = Entities.from_frame(pd.DataFrame({"code": ["KZ-61"], "kind": "region",
    ...     "name_en": ["Turkistan Region"], "name_kk": ["Түркістан облысы"]}))
    >>> entity_labels(["KZ-61", "X"], "kk", ent)
    ['Түркістан облысы', 'X']
    """
    codes = [str(c) for c in codes]
    check_language(lang)
    if table is None:
        return codes
    return [str(n) for n in table.names(codes, lang)]


def indicator_labels(catalog: Catalog, codes: Iterable[str], lang: Language = "en") -> list[str]:
    """Catalog names of ``codes`` in ``lang`` (``name_ru``/``name_kk`` when the catalog has
    them, else ``name``, else the code).

    Examples
    --------
    >>> import pandas as pd
    >>> from govindex import Catalog
    >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"],
    ...     "name": ["", "Life expectancy"], "name_kk": ["", "Күтілетін өмір ұзақтығы"]}))
    >>> indicator_labels(cat, ["x"], "kk"), indicator_labels(cat, ["x"], "ru")
    (['Күтілетін өмір ұзақтығы'], ['Life expectancy'])
    """
    return [str(n) for n in catalog.names(codes, check_language(lang))]
