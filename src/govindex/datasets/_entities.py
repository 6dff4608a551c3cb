"""Codes and names of the entities of the bundled SYNTHETIC demo data.

The demo country, its regions and its bodies are invented. The names are plausible
so that examples read naturally; no value attached to them describes a real body.
"""

from __future__ import annotations

#: 20 local executive bodies (LEB): 17 regions and 3 cities of republican significance.
REGIONS: dict[str, str] = {
    "R01": "Northern Region",
    "R02": "Lakeside Region",
    "R03": "Steppe Region",
    "R04": "Riverside Region",
    "R05": "Mountain Region",
    "R06": "Eastern Region",
    "R07": "Western Region",
    "R08": "Southern Region",
    "R09": "Central Region",
    "R10": "Coastal Region",
    "R11": "Valley Region",
    "R12": "Forest Region",
    "R13": "Desert Region",
    "R14": "Highland Region",
    "R15": "Border Region",
    "R16": "Industrial Region",
    "R17": "Prairie Region",
    "C01": "Capital City",
    "C02": "Old Capital City",
    "C03": "Southern City",
}

#: 25 central government bodies (CGB).
CENTRAL_BODIES: dict[str, str] = {
    "MFIN": "Ministry of Finance",
    "MNE": "Ministry of National Economy",
    "MHEALTH": "Ministry of Health",
    "MEDU": "Ministry of Education",
    "MSCI": "Ministry of Science and Higher Education",
    "MLAB": "Ministry of Labour and Social Protection",
    "MAGR": "Ministry of Agriculture",
    "MENR": "Ministry of Energy",
    "MECO": "Ministry of Ecology and Natural Resources",
    "MIND": "Ministry of Industry and Construction",
    "MTRN": "Ministry of Transport",
    "MDIG": "Ministry of Digital Development",
    "MJUS": "Ministry of Justice",
    "MINT": "Ministry of Internal Affairs",
    "MEMR": "Ministry of Emergency Situations",
    "MCULT": "Ministry of Culture and Sport",
    "MTOUR": "Ministry of Tourism",
    "MTRADE": "Ministry of Trade and Integration",
    "MINFO": "Ministry of Information and Social Development",
    "MWAT": "Ministry of Water Resources",
    "MFA": "Ministry of Foreign Affairs",
    "ACS": "Agency for Civil Service Affairs",
    "ACOMP": "Agency for Protection and Development of Competition",
    "AFIN": "Agency for Financial Market Regulation",
    "ASTAT": "Agency for Strategic Planning and Statistics",
}

#: The demo country in the National Progress Index panel, and the OECD average entity.
COUNTRY = "DMO"
COUNTRY_NAME = "Demo Republic (synthetic)"
OECD_AGGREGATE = "OECD"

#: ISO3 codes of the 38 OECD members (membership in 2024), used as the NPI reference group.
OECD_MEMBERS: tuple[str, ...] = (
    "AUS", "AUT", "BEL", "CAN", "CHE", "CHL", "COL", "CRI", "CZE", "DEU",
    "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HUN", "IRL", "ISL",
    "ISR", "ITA", "JPN", "KOR", "LTU", "LUX", "LVA", "MEX", "NLD", "NOR",
    "NZL", "POL", "PRT", "SVK", "SVN", "SWE", "TUR", "USA",
)  # fmt: skip
