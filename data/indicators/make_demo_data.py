"""Generate the SYNTHETIC demo data of govindex (panels + catalogs) into ``data/indicators/``.

Everything written here is invented. The entity codes come from
``govindex.datasets._entities``; every value is drawn from a seeded random model
(``numpy.random.default_rng(20261126)``) around plausible real-world magnitudes,
then a few documented troubles are planted on purpose (see README.md). Running the
script twice gives byte-identical files (for the same numpy/pandas/pyarrow versions).

Usage::

    python data/indicators/make_demo_data.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_SRC = Path(__file__).resolve().parents[2] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(_SRC))

from govindex._provenance import atomic_write_bytes  # noqa: E402
from govindex.datasets._entities import (  # noqa: E402
    CENTRAL_BODIES,
    COUNTRY,
    OECD_AGGREGATE,
    OECD_MEMBERS,
    REGIONS,
)

SEED = 20261126
GENERATOR = "data/indicators/make_demo_data.py"
SOURCE = "SYNTHETIC demo data"
CATALOG_COLUMNS = [
    "code", "name", "parent", "direction", "weight", "type", "aggregation", "normalization",
    "lower", "upper", "transform", "target", "change", "tolerance", "cap", "owner", "unit",
    "source", "sphere",
]  # fmt: skip

LEB_YEARS = np.arange(2014, 2026)
CGB_YEARS = np.arange(2014, 2026)
NPI_YEARS = np.arange(2010, 2026)
BREAK_YEAR = 2021  # trends change (region/body specific) from 2022 on

# --------------------------------------------------------------------------------------
# Indicator specifications
#
# One tuple per indicator: (code, name, unit, direction, kind, level, move, decimals).
# kind "lvl": level or count, simulated on the log scale, change rule "relative";
#             ``move`` = typical yearly improvement (log units, e.g. 0.03 = 3 % a year).
# kind "pct": share in %, bounded [0, 100]; kind "rate": rate/score >= 0; kind "svy":
#             survey percentage in [1, 99]; all three change rule "absolute", simulated on
#             the linear scale; ``move`` = typical yearly change in units (also the cap).
# --------------------------------------------------------------------------------------

Spec = tuple[str, str, str, int, str, float, float, int]

LEB_SPHERES: tuple[tuple[str, str], ...] = (
    ("LEB_ECO", "Economy"),
    ("LEB_LAB", "Labour and incomes"),
    ("LEB_HLT", "Health"),
    ("LEB_EDU", "Education"),
    ("LEB_SOC", "Social protection"),
    ("LEB_SAF", "Safety and justice"),
    ("LEB_INF", "Infrastructure and housing"),
    ("LEB_ENV", "Environment"),
    ("LEB_SRV", "Public services (survey)"),
)

TCU = "thousand currency units"
LEB_SPECS: tuple[Spec, ...] = (
    ("LEB_ECO01", "Gross regional product per capita", TCU, 1, "lvl", 4000, 0.03, 1),
    ("LEB_ECO02", "Fixed capital investment per capita", TCU, 1, "lvl", 900, 0.03, 1),
    ("LEB_ECO03", "Operating small and medium enterprises per 1,000 population",
     "per 1,000 population", 1, "lvl", 35, 0.02, 1),
    ("LEB_ECO04", "Share of small and medium enterprises in gross regional product", "%", 1,
     "pct", 30, 0.6, 1),
    ("LEB_ECO05", "Manufacturing output per capita", TCU, 1, "lvl", 900, 0.03, 1),
    ("LEB_ECO06", "Retail trade turnover per capita", TCU, 1, "lvl", 700, 0.03, 1),
    ("LEB_ECO07", "Labour productivity in agriculture", f"{TCU} per worker", 1, "lvl", 2500,
     0.03, 0),
    ("LEB_LAB01", "Unemployment rate", "%", -1, "rate", 4.9, 0.1, 1),
    ("LEB_LAB02", "Youth unemployment rate (ages 15-28)", "%", -1, "rate", 6.0, 0.2, 1),
    ("LEB_LAB03", "Average monthly nominal wage", TCU, 1, "lvl", 250, 0.05, 1),
    ("LEB_LAB04", "Share of population with income below the subsistence minimum", "%", -1,
     "pct", 5.0, 0.3, 1),
    ("LEB_LAB05", "Share of informal employment in total employment", "%", -1, "pct", 15, 0.5,
     1),
    ("LEB_LAB06", "Labour force participation rate", "%", 1, "pct", 68, 0.3, 1),
    ("LEB_HLT01", "Infant mortality rate", "per 1,000 live births", -1, "rate", 8.0, 0.3, 2),
    ("LEB_HLT02", "Maternal mortality ratio", "per 100,000 live births", -1, "rate", 15, 1.5,
     1),
    ("LEB_HLT03", "Life expectancy at birth", "years", 1, "rate", 72, 0.3, 2),
    ("LEB_HLT04", "Tuberculosis incidence", "per 100,000 population", -1, "rate", 50, 2.0, 1),
    ("LEB_HLT05", "Mortality from diseases of the circulatory system",
     "per 100,000 population", -1, "rate", 180, 4.0, 1),
    ("LEB_HLT06", "Physicians per 10,000 population", "per 10,000 population", 1, "rate", 35,
     0.6, 1),
    ("LEB_EDU01", "Preschool enrolment of children aged 3-6", "%", 1, "pct", 90, 1.0, 1),
    ("LEB_EDU02", "Share of schools in emergency condition or with three shifts", "%", -1,
     "pct", 2.5, 0.2, 2),
    ("LEB_EDU03", "Average score in the unified national test", "points", 1, "rate", 70, 0.8,
     1),
    ("LEB_EDU04", "Share of school graduates enrolled in higher or technical education", "%",
     1, "pct", 60, 1.0, 1),
    ("LEB_EDU05", "Share of schools with broadband internet of at least 100 Mbit/s", "%", 1,
     "pct", 60, 3.0, 1),
    ("LEB_SOC01", "Employment rate of persons with disabilities", "%", 1, "pct", 30, 0.8, 1),
    ("LEB_SOC02", "Families on the social housing waiting list", "per 1,000 population", -1,
     "rate", 12, 0.4, 2),
    ("LEB_SOC03", "Coverage of eligible families by targeted social assistance", "%", 1,
     "pct", 85, 1.0, 1),
    ("LEB_SOC04", "Children in residential institutions", "per 10,000 children", -1, "rate",
     15, 0.5, 2),
    ("LEB_SAF01", "Registered crimes per 10,000 population", "per 10,000 population", -1,
     "rate", 100, 3.0, 1),
    ("LEB_SAF02", "Road traffic deaths per 100,000 population", "per 100,000 population", -1,
     "rate", 13, 0.5, 2),
    ("LEB_SAF03", "Clearance rate of registered crimes", "%", 1, "pct", 70, 1.0, 1),
    ("LEB_SAF04", "Deaths in fires per 100,000 population", "per 100,000 population", -1,
     "rate", 2.0, 0.1, 2),
    ("LEB_SAF05", "Juvenile crimes per 10,000 juveniles", "per 10,000 juveniles", -1, "rate",
     20, 0.8, 1),
    ("LEB_INF01", "Share of local roads in good and satisfactory condition", "%", 1, "pct", 80,
     1.5, 1),
    ("LEB_INF02", "Share of population with access to centralised water supply", "%", 1,
     "pct", 90, 0.8, 1),
    ("LEB_INF03", "Housing commissioned per 1,000 population", "m² per 1,000 population", 1,
     "lvl", 600, 0.03, 0),
    ("LEB_INF04", "Share of worn-out heating networks", "%", -1, "pct", 50, 1.0, 1),
    ("LEB_INF05", "Share of households connected to natural gas", "%", 1, "pct", 55, 2.0, 1),
    ("LEB_ENV01", "Emissions of air pollutants from stationary sources per capita",
     "kg per capita", -1, "lvl", 100, 0.02, 1),
    ("LEB_ENV02", "Share of municipal solid waste recycled", "%", 1, "pct", 20, 1.5, 1),
    ("LEB_ENV03", "Green space per capita in settlements", "m² per capita", 1, "lvl", 15,
     0.02, 2),
    ("LEB_SRV01", "Satisfaction with public services", "% satisfied", 1, "svy", 60, 2.0, 1),
    ("LEB_SRV02", "Satisfaction with the quality of health care", "% satisfied", 1, "svy", 50,
     2.0, 1),
    ("LEB_SRV03", "Satisfaction with the quality of school education", "% satisfied", 1,
     "svy", 60, 2.0, 1),
    ("LEB_SRV04", "Satisfaction with the condition of local roads", "% satisfied", 1, "svy",
     40, 2.0, 1),
    ("LEB_SRV05", "Satisfaction with housing and utility services", "% satisfied", 1, "svy",
     45, 2.0, 1),
    ("LEB_SRV06", "Feeling safe walking alone at night", "% agreeing", 1, "svy", 55, 2.0, 1),
    ("LEB_SRV07", "Trust in the local executive body", "% trusting", 1, "svy", 50, 2.0, 1),
    ("LEB_SRV08", "Residents who faced corruption when dealing with local authorities",
     "% of respondents", -1, "svy", 18, 1.0, 1),
    ("LEB_SRV09", "Satisfaction with public transport", "% satisfied", 1, "svy", 50, 2.0, 1),
)  # fmt: skip
# Absolute LEB indicators whose cap is left empty (exercise the default rule).
LEB_NO_CAP = frozenset({"LEB_ECO04", "LEB_HLT06", "LEB_SAF05", "LEB_SRV09"})
LEB_EXTRA: dict[str, dict[str, str]] = {
    "LEB_ECO01": {"weight": "2"},
    "LEB_SRV01": {"weight": "2"},
    "LEB_HLT02": {"tolerance": "1"},
    "LEB_LAB01": {"target": "4"},
    "LEB_HLT01": {"target": "6"},
    "LEB_INF01": {"target": "90"},
    "LEB_ENV02": {"target": "35"},
}

# Central government bodies: sphere, intermediate groups, indicators.
# Indicator tuple: (name, unit, direction, kind, level, move, decimals, group);
# group 0 = directly under the body's root, 1/2 = under the body's group node G1/G2.
CgbSpec = tuple[str, str, int, str, float, float, int, int]
BN = "billion currency units"
CGB_SPECS: dict[str, tuple[str, tuple[str, ...], tuple[CgbSpec, ...]]] = {
    "MFIN": ("Public finance", (), (
        ("Deficit of the republican budget", "% of GDP", -1, "rate", 2.5, 0.3, 2, 0),
        ("Government debt", "% of GDP", -1, "rate", 25, 1.0, 1, 0),
        ("Execution of the planned budget expenditure", "%", 1, "pct", 96, 0.5, 1, 0),
        ("Tax revenue", "% of GDP", 1, "rate", 15, 0.4, 1, 0),
        ("Non-oil budget deficit", "% of GDP", -1, "rate", 8, 0.4, 2, 0),
        ("Unused budget funds", BN, -1, "lvl", 120, 0.04, 1, 0),
        ("Share of public procurement conducted electronically", "%", 1, "pct", 85, 2, 1, 0),
        ("Businesses satisfied with tax administration", "% satisfied", 1, "svy", 62, 2, 1, 0),
    )),
    "MNE": ("Economic policy", (), (
        ("GDP per capita", TCU, 1, "lvl", 5200, 0.06, 1, 0),
        ("Consumer price inflation (December on December)", "%", -1, "rate", 8, 0.8, 1, 0),
        ("Share of small and medium enterprises in GDP", "%", 1, "pct", 33, 0.6, 1, 0),
        ("Fixed capital investment", "% of GDP", 1, "rate", 16, 0.4, 1, 0),
        ("Share of manufacturing in GDP", "%", 1, "pct", 12.5, 0.3, 2, 0),
        ("Labour productivity", f"{TCU} per employed person", 1, "lvl", 10500, 0.04, 0, 0),
        ("Active legal entities per 1,000 population", "per 1,000 population", 1, "lvl", 13,
         0.02, 2, 0),
        ("Share of non-resource goods in exports", "%", 1, "pct", 38, 1, 1, 0),
        ("Entrepreneurs rating the business climate as favourable", "% of respondents", 1,
         "svy", 48, 2, 1, 0),
    )),
    "MHEALTH": ("Health", ("Population health outcomes", "Access to and quality of care"), (
        ("Life expectancy at birth", "years", 1, "rate", 72.5, 0.3, 2, 1),
        ("Infant mortality rate", "per 1,000 live births", -1, "rate", 8.5, 0.3, 2, 1),
        ("Maternal mortality ratio", "per 100,000 live births", -1, "rate", 14, 1.5, 1, 1),
        ("Mortality from diseases of the circulatory system", "per 100,000 population", -1,
         "rate", 175, 4, 1, 1),
        ("Tuberculosis incidence", "per 100,000 population", -1, "rate", 48, 2, 1, 1),
        ("Out-of-pocket payments", "% of current health expenditure", -1, "pct", 32, 0.8, 1,
         2),
        ("Coverage by mandatory social health insurance", "% of population", 1, "pct", 85,
         1.2, 1, 2),
        ("Primary-care physicians per 10,000 population", "per 10,000 population", 1, "rate",
         9, 0.3, 2, 2),
        ("Satisfaction with the quality of medical care", "% satisfied", 1, "svy", 55, 2, 1,
         2),
    )),
    "MEDU": ("Education", ("Preschool and school education", "Vocational education"), (
        ("Preschool enrolment of children aged 3-6", "%", 1, "pct", 90, 1.2, 1, 1),
        ("Share of schools in emergency condition or with three shifts", "%", -1, "pct", 2.5,
         0.3, 2, 1),
        ("Mean reading score of 15-year-olds in the national assessment", "points", 1, "rate",
         410, 3, 0, 1),
        ("Share of teachers of the highest or first category", "%", 1, "pct", 55, 1.5, 1, 1),
        ("Share of schools with broadband internet of at least 100 Mbit/s", "%", 1, "pct", 60,
         3, 1, 1),
        ("Shortage of school places", "thousand places", -1, "lvl", 200, 0.04, 1, 1),
        ("Employment of vocational graduates in their first year", "%", 1, "pct", 68, 1.5, 1,
         2),
        ("Share of vocational students in dual training", "%", 1, "pct", 22, 1.5, 1, 2),
        ("Share of colleges with modern workshops", "%", 1, "pct", 45, 2, 1, 2),
        ("Parents satisfied with school education", "% satisfied", 1, "svy", 58, 2, 1, 1),
    )),
    "MSCI": ("Science and higher education", (), (
        ("Gross domestic expenditure on research and development", "% of GDP", 1, "rate",
         0.13, 0.01, 3, 0),
        ("Researchers per million population", "per million population", 1, "lvl", 1000,
         0.02, 0, 0),
        ("Publications in indexed journals per 1,000 researchers", "per 1,000 researchers", 1,
         "lvl", 250, 0.04, 1, 0),
        ("Patent applications by residents per million population", "per million population",
         1, "lvl", 70, 0.03, 1, 0),
        ("Gross enrolment ratio in higher education", "%", 1, "pct", 62, 1, 1, 0),
        ("Graduates of higher education employed within one year", "%", 1, "pct", 72, 1.2, 1,
         0),
        ("Students satisfied with the quality of higher education", "% satisfied", 1, "svy",
         60, 2, 1, 0),
    )),
    "MLAB": ("Labour and social protection", ("Employment", "Social protection"), (
        ("Unemployment rate", "%", -1, "rate", 4.9, 0.1, 2, 1),
        ("Youth unemployment rate (ages 15-24)", "%", -1, "rate", 3.8, 0.2, 2, 1),
        ("Share of informal employment", "%", -1, "pct", 15, 0.5, 1, 1),
        ("Average monthly nominal wage", TCU, 1, "lvl", 250, 0.06, 1, 1),
        ("Share of population with income below the subsistence minimum", "%", -1, "pct", 5.2,
         0.3, 2, 2),
        ("Coverage of the working-age population by pension contributions", "%", 1, "pct", 75,
         1, 1, 2),
        ("Employment rate of persons with disabilities", "%", 1, "pct", 28, 1, 1, 2),
        ("Occupational injuries per 1,000 workers", "per 1,000 workers", -1, "rate", 0.35,
         0.02, 3, 2),
        ("Recipients satisfied with social services", "% satisfied", 1, "svy", 64, 2, 1, 2),
    )),
    "MAGR": ("Agriculture", (), (
        ("Gross agricultural output at constant prices", BN, 1, "lvl", 7000, 0.03, 0, 0),
        ("Labour productivity in agriculture", f"{TCU} per worker", 1, "lvl", 2800, 0.05, 0,
         0),
        ("Share of processed products in agricultural exports", "%", 1, "pct", 30, 1, 1, 0),
        ("Irrigated land in use", "thousand hectares", 1, "lvl", 1500, 0.01, 0, 0),
        ("Grain yield", "centners per hectare", 1, "rate", 13, 0.5, 1, 0),
        ("Share of degraded agricultural land", "%", -1, "pct", 27, 0.5, 1, 0),
        ("Milk yield per cow", "kg per year", 1, "lvl", 2300, 0.02, 0, 0),
        ("Share of farms with agricultural insurance", "%", 1, "pct", 12, 1, 1, 0),
    )),
    "MENR": ("Energy", (), (
        ("Share of renewables in electricity generation", "%", 1, "pct", 4, 0.6, 2, 0),
        ("Wear of generating capacity", "%", -1, "pct", 55, 0.8, 1, 0),
        ("Energy intensity of GDP", "kg of oil equivalent per 1,000 USD", -1, "lvl", 270, 0.02,
         1, 0),
        ("Electricity losses in distribution networks", "%", -1, "pct", 11, 0.3, 2, 0),
        ("Unplanned power outages per 100 km of grid", "per 100 km", -1, "rate", 3.5, 0.2, 2,
         0),
        ("Share of households connected to natural gas", "%", 1, "pct", 55, 2, 1, 0),
        ("Reserve margin of generating capacity", "%", 1, "rate", 8, 0.8, 1, 0),
    )),
    "MECO": ("Environment", (), (
        ("Emissions of air pollutants from stationary sources", "thousand tonnes", -1, "lvl",
         2300, 0.02, 0, 0),
        ("Share of municipal solid waste recycled", "%", 1, "pct", 20, 1.5, 1, 0),
        ("Forest cover", "% of land area", 1, "pct", 4.8, 0.05, 2, 0),
        ("Share of urban population exposed to high air pollution", "%", -1, "pct", 25, 1, 1,
         0),
        ("Specially protected natural areas", "% of land area", 1, "pct", 9.5, 0.1, 2, 0),
        ("Unauthorised landfills identified", "number", -1, "lvl", 6000, 0.05, 0, 0),
        ("Greenhouse gas emissions", "million tonnes CO2-eq", -1, "lvl", 350, 0.01, 1, 0),
        ("Residents satisfied with the state of the environment", "% satisfied", 1, "svy", 38,
         2, 1, 0),
    )),
    "MIND": ("Industry and construction", (), (
        ("Manufacturing output per capita", TCU, 1, "lvl", 900, 0.04, 1, 0),
        ("Share of manufactured goods in exports", "%", 1, "pct", 30, 1, 1, 0),
        ("Housing commissioned", "million m²", 1, "lvl", 15, 0.04, 2, 0),
        ("Share of construction projects completed on schedule", "%", 1, "pct", 82, 1.5, 1, 0),
        ("Labour productivity in manufacturing", f"{TCU} per employed person", 1, "lvl", 12000,
         0.04, 0, 0),
        ("Share of local content in public procurement of goods", "%", 1, "pct", 55, 1.5, 1,
         0),
    )),
    "MTRN": ("Transport", (), (
        ("Share of national roads in good and satisfactory condition", "%", 1, "pct", 88, 1, 1,
         0),
        ("Road traffic deaths per 100,000 population", "per 100,000 population", -1, "rate",
         12.5, 0.5, 2, 0),
        ("Transit cargo traffic", "million tonnes", 1, "lvl", 25, 0.05, 2, 0),
        ("Share of worn-out railway rolling stock", "%", -1, "pct", 45, 1.2, 1, 0),
        ("Air passenger traffic", "million passengers", 1, "lvl", 12, 0.06, 2, 0),
        ("Average delivery time of container trains", "days", -1, "rate", 14, 0.4, 1, 0),
        ("Logistics performance score", "score 1-5", 1, "rate", 2.7, 0.05, 2, 0),
        ("Passengers satisfied with intercity transport", "% satisfied", 1, "svy", 55, 2, 1, 0),
    )),
    "MDIG": ("Digital development", ("Public services online",), (
        ("Share of households with broadband internet", "%", 1, "pct", 85, 1.5, 1, 0),
        ("Share of rural settlements covered by 4G", "%", 1, "pct", 70, 3, 1, 0),
        ("Individuals using the internet", "%", 1, "pct", 88, 1, 1, 0),
        ("Share of public services available online", "%", 1, "pct", 80, 2, 1, 1),
        ("E-government transactions per capita", "per capita", 1, "lvl", 3.5, 0.08, 2, 1),
        ("Average time to deliver a public service", "days", -1, "rate", 5, 0.2, 2, 1),
        ("Users satisfied with e-government services", "% satisfied", 1, "svy", 70, 2, 1, 1),
        ("Adults with basic digital skills", "% of respondents", 1, "svy", 60, 2, 1, 0),
    )),
    "MJUS": ("Justice", (), (
        ("Share of court decisions enforced", "%", 1, "pct", 60, 1.5, 1, 0),
        ("Average time to register real estate", "days", -1, "rate", 3.5, 0.15, 2, 0),
        ("Share of draft laws with a regulatory impact analysis", "%", 1, "pct", 70, 2, 1, 0),
        ("Free legal aid cases per 10,000 population", "per 10,000 population", 1, "rate", 40,
         1.5, 1, 0),
        ("Share of enforcement proceedings completed on time", "%", 1, "pct", 75, 1.2, 1, 0),
        ("Citizens trusting the justice system", "% trusting", 1, "svy", 42, 2, 1, 0),
    )),
    "MINT": ("Public order", (), (
        ("Registered crimes per 10,000 population", "per 10,000 population", -1, "rate", 85, 3,
         1, 0),
        ("Clearance rate of registered crimes", "%", 1, "pct", 70, 1, 1, 0),
        ("Injury road accidents per 10,000 vehicles", "per 10,000 vehicles", -1, "rate", 28, 1,
         1, 0),
        ("Drug-related crimes per 100,000 population", "per 100,000 population", -1, "rate",
         18, 0.8, 1, 0),
        ("Recidivism rate", "% of convicted persons", -1, "pct", 30, 0.8, 1, 0),
        ("Share of street crimes in registered crime", "%", -1, "pct", 15, 0.6, 1, 0),
        ("Average police response time in cities", "minutes", -1, "rate", 9, 0.3, 1, 0),
        ("Residents feeling safe walking alone at night", "% agreeing", 1, "svy", 52, 2, 1, 0),
    )),
    "MEMR": ("Civil protection", (), (
        ("Deaths in emergencies per 100,000 population", "per 100,000 population", -1, "rate",
         2.2, 0.1, 2, 0),
        ("Fires per 10,000 population", "per 10,000 population", -1, "rate", 8, 0.3, 2, 0),
        ("Economic damage from emergencies", BN, -1, "lvl", 40, 0.05, 1, 0),
        ("Average arrival time of fire crews in cities", "minutes", -1, "rate", 8, 0.2, 1, 0),
        ("Settlements covered by the fire service", "%", 1, "pct", 78, 1.5, 1, 0),
        ("Population covered by early-warning systems", "%", 1, "pct", 65, 2, 1, 0),
    )),
    "MCULT": ("Culture and sport", (), (
        ("Population regularly engaged in sport", "%", 1, "pct", 32, 1.2, 1, 0),
        ("Attendance of cultural events per 1,000 population", "per 1,000 population", 1,
         "lvl", 1300, 0.03, 0, 0),
        ("Share of heritage sites in satisfactory condition", "%", 1, "pct", 62, 1, 1, 0),
        ("Sport facilities per 10,000 population", "per 10,000 population", 1, "rate", 23, 0.5,
         1, 0),
        ("Medals won at major international competitions", "number", 1, "lvl", 60, 0.05, 0, 0),
        ("Residents satisfied with cultural and leisure services", "% satisfied", 1, "svy", 57,
         2, 1, 0),
    )),
    "MTOUR": ("Tourism", (), (
        ("Inbound tourists", "million arrivals", 1, "lvl", 8.5, 0.06, 2, 0),
        ("Share of tourism in GDP", "%", 1, "rate", 5.5, 0.2, 2, 0),
        ("Hotel occupancy rate", "%", 1, "pct", 28, 1.5, 1, 0),
        ("International tourism receipts", "million USD", 1, "lvl", 2700, 0.07, 0, 0),
        ("Visitors satisfied with tourist infrastructure", "% satisfied", 1, "svy", 50, 2, 1,
         0),
    )),
    "MTRADE": ("Trade", (), (
        ("Non-resource exports", "billion USD", 1, "lvl", 23, 0.05, 2, 0),
        ("Share of e-commerce in retail trade", "%", 1, "pct", 10, 1.2, 1, 0),
        ("Exporting companies", "number", 1, "lvl", 3300, 0.04, 0, 0),
        ("Average time to clear exports at the border", "hours", -1, "rate", 70, 3, 1, 0),
        ("Share of modern retail formats in retail trade", "%", 1, "pct", 45, 1.5, 1, 0),
        ("Trade barriers in force in partner markets", "number", -1, "lvl", 70, 0.06, 0, 0),
    )),
    "MINFO": ("Information and civil society", (), (
        ("Share of domestic content in television broadcasting", "%", 1, "pct", 50, 1.2, 1, 0),
        ("Non-governmental organisations per 10,000 population", "per 10,000 population", 1,
         "rate", 12, 0.3, 2, 0),
        ("Volunteers per 1,000 population", "per 1,000 population", 1, "lvl", 25, 0.05, 1, 0),
        ("Share of state social contracts completed", "%", 1, "pct", 85, 1, 1, 0),
        ("Residents trusting state media", "% trusting", 1, "svy", 45, 2, 1, 0),
        ("Residents satisfied with interethnic relations", "% satisfied", 1, "svy", 80, 1.5, 1,
         0),
    )),
    "MWAT": ("Water resources", (), (
        ("Share of population with access to centralised water supply", "%", 1, "pct", 91,
         0.8, 1, 0),
        ("Water losses in irrigation canals", "%", -1, "pct", 35, 1, 1, 0),
        ("Water-use efficiency", "USD of GDP per m³", 1, "lvl", 7.5, 0.03, 2, 0),
        ("Share of wastewater treated to standard", "%", 1, "pct", 60, 1.5, 1, 0),
        ("Share of worn-out water supply networks", "%", -1, "pct", 45, 1, 1, 0),
    )),
    "MFA": ("Foreign affairs", (), (
        ("Foreign direct investment inflows", "billion USD", 1, "lvl", 19, 0.04, 2, 0),
        ("Countries with visa-free entry for citizens", "number", 1, "lvl", 78, 0.02, 0, 0),
        ("Consular requests processed on time", "%", 1, "pct", 92, 0.8, 1, 0),
        ("International agreements ratified as planned", "%", 1, "pct", 80, 2, 1, 0),
    )),
    "ACS": ("Civil service", (), (
        ("Turnover of civil servants", "%", -1, "pct", 12, 0.4, 1, 0),
        ("Share of civil service vacancies filled by open competition", "%", 1, "pct", 75, 1.5,
         1, 0),
        ("Corruption offences per 1,000 civil servants", "per 1,000 civil servants", -1,
         "rate", 1.8, 0.08, 2, 0),
        ("Citizens satisfied with the quality of public services", "% satisfied", 1, "svy", 70,
         2, 1, 0),
        ("Civil servants satisfied with working conditions", "% satisfied", 1, "svy", 55, 2, 1,
         0),
    )),
    "ACOMP": ("Competition", (), (
        ("Share of highly concentrated markets", "%", -1, "pct", 35, 1, 1, 0),
        ("Share of state-owned enterprises in GDP", "%", -1, "pct", 15, 0.4, 1, 0),
        ("Share of competition cases resolved on time", "%", 1, "pct", 80, 1.5, 1, 0),
        ("Share of public procurement by competitive procedures", "%", 1, "pct", 65, 1.5, 1,
         0),
    )),
    "AFIN": ("Financial market", (), (
        ("Bank loans to the economy", "% of GDP", 1, "rate", 24, 0.6, 1, 0),
        ("Non-performing loans", "% of total loans", -1, "pct", 8, 0.5, 2, 0),
        ("Adults with a bank account", "%", 1, "pct", 80, 1.5, 1, 0),
        ("Insurance premiums", "% of GDP", 1, "rate", 1.2, 0.05, 2, 0),
        ("Consumers trusting financial institutions", "% trusting", 1, "svy", 47, 2, 1, 0),
    )),
    "ASTAT": ("Strategic planning and statistics", (), (
        ("Share of national plan targets achieved", "%", 1, "pct", 75, 2, 1, 0),
        ("Share of SDG indicators with available data", "%", 1, "pct", 60, 2, 1, 0),
        ("Average delay of statistical releases", "days after the period", -1, "rate", 35, 1,
         1, 0),
        ("Open data sets published", "number", 1, "lvl", 500, 0.05, 0, 0),
    )),
}  # fmt: skip

# NPI: (code, name, unit, direction, gen scale, change, OECD level 2016, DMO level 2016,
#       yearly improvement (log or units), cross-country spread (log or units), decimals)
NpiSpec = tuple[str, str, str, int, str, str, float, float, float, float, int]
NPI_SPECS: tuple[NpiSpec, ...] = (
    ("NPI_GDPPC", "GDP per capita, PPP", "current international $", 1, "log", "relative",
     42000, 24000, 0.04, 0.35, 0),
    ("NPI_GNIPC", "GNI per capita, Atlas method", "current US$", 1, "log", "relative", 38000,
     9000, 0.03, 0.45, 0),
    ("NPI_LEXP", "Life expectancy at birth", "years", 1, "lin", "absolute", 80.3, 72.5, 0.15,
     2.5, 1),
    ("NPI_IMR", "Infant mortality rate", "per 1,000 live births", -1, "log", "absolute", 4.2,
     9.5, 0.03, 0.45, 1),
    ("NPI_MMR", "Maternal mortality ratio", "per 100,000 live births", -1, "log", "absolute",
     10, 14, 0.02, 0.6, 0),
    ("NPI_UNEMP", "Unemployment rate", "% of labour force", -1, "lin", "absolute", 6.5, 4.9,
     0.15, 2.5, 1),
    ("NPI_YUNEMP", "Youth unemployment rate (ages 15-24)", "% of labour force 15-24", -1,
     "lin", "absolute", 13, 8.5, 0.3, 4, 1),
    ("NPI_LFPR", "Labour force participation rate (ages 15+)", "%", 1, "lin", "absolute", 60,
     69, 0.1, 5, 1),
    ("NPI_INTERNET", "Individuals using the internet", "% of population", 1, "lin",
     "absolute", 82, 77, 1.2, 7, 1),
    ("NPI_BROADBAND", "Fixed broadband subscriptions", "per 100 people", 1, "lin", "absolute",
     32, 13.5, 0.6, 7, 1),
    ("NPI_SERVERS", "Secure internet servers", "per million people", 1, "log", "relative",
     20000, 200, 0.12, 0.6, 1),
    ("NPI_CO2", "CO2 emissions per capita", "tonnes per capita", -1, "log", "relative", 8.8,
     14, 0.02, 0.4, 2),
    ("NPI_PM25", "PM2.5 mean annual exposure", "µg/m³", -1, "lin", "absolute", 12, 20, 0.3,
     4, 1),
    ("NPI_RENEW", "Renewable energy consumption", "% of final energy consumption", 1, "lin",
     "absolute", 19, 1.6, 0.4, 10, 1),
    ("NPI_RND", "Research and development expenditure", "% of GDP", 1, "lin", "absolute",
     2.4, 0.13, 0.03, 0.8, 2),
    ("NPI_TERTIARY", "School enrolment, tertiary", "% gross", 1, "lin", "absolute", 72, 55,
     0.8, 14, 1),
    ("NPI_HEALTHEXP", "Current health expenditure per capita, PPP",
     "current international $", 1, "log", "relative", 4200, 900, 0.04, 0.4, 0),
    ("NPI_GINI", "Gini index", "index 0-100", -1, "lin", "absolute", 33, 28, 0.15, 4.5, 1),
    ("NPI_HOMICIDE", "Intentional homicides", "per 100,000 people", -1, "log", "absolute",
     1.5, 4.5, 0.03, 0.7, 1),
    ("NPI_WATER", "People using safely managed drinking water services", "% of population",
     1, "lin", "absolute", 93, 90, 0.3, 5, 1),
    ("NPI_BEDS", "Hospital beds", "per 1,000 people", 1, "lin", "absolute", 4.8, 6.2, -0.03,
     2.2, 2),
    ("NPI_PHYS", "Physicians", "per 1,000 people", 1, "lin", "absolute", 3.5, 4.0, 0.05, 0.8,
     2),
    ("NPI_HITECH", "High-technology exports", "% of manufactured exports", 1, "lin",
     "absolute", 17, 9, 0.3, 7, 1),
    ("NPI_EGOV", "E-government services fully online", "number of services", 1, "log",
     "relative", 300, 0, 0.06, 0.5, 0),
    ("NPI_FEMPARL", "Seats held by women in national parliament", "% of seats", 1, "lin",
     "absolute", 30, 22, 0.6, 8, 1),
)  # fmt: skip
NPI_SPHERES = {
    "NPI_GDPPC": "Economy", "NPI_GNIPC": "Economy", "NPI_HITECH": "Economy",
    "NPI_UNEMP": "Labour and incomes", "NPI_YUNEMP": "Labour and incomes",
    "NPI_LFPR": "Labour and incomes", "NPI_GINI": "Labour and incomes",
    "NPI_LEXP": "Health", "NPI_IMR": "Health", "NPI_MMR": "Health", "NPI_HEALTHEXP": "Health",
    "NPI_BEDS": "Health", "NPI_PHYS": "Health",
    "NPI_TERTIARY": "Education and innovation", "NPI_RND": "Education and innovation",
    "NPI_INTERNET": "Digital", "NPI_BROADBAND": "Digital", "NPI_SERVERS": "Digital",
    "NPI_EGOV": "Digital",
    "NPI_CO2": "Environment", "NPI_PM25": "Environment", "NPI_RENEW": "Environment",
    "NPI_WATER": "Environment",
    "NPI_HOMICIDE": "Safety and governance", "NPI_FEMPARL": "Safety and governance",
}  # fmt: skip
NPI_EXTRA: dict[str, dict[str, str]] = {
    "NPI_GDPPC": {"transform": "log", "lower": "100", "upper": "75000"},
    "NPI_LEXP": {"lower": "20", "upper": "85"},
}
# Population 2016 in millions (rounded public magnitudes, used only to weight the
# synthetic OECD mean; the series themselves drift randomly).
POP_2016 = {
    "AUS": 24.2, "AUT": 8.7, "BEL": 11.3, "CAN": 36.1, "CHE": 8.4, "CHL": 18.1, "COL": 48.2,
    "CRI": 4.9, "CZE": 10.6, "DEU": 82.3, "DNK": 5.7, "ESP": 46.4, "EST": 1.3, "FIN": 5.5,
    "FRA": 66.7, "GBR": 65.6, "GRC": 10.8, "HUN": 9.8, "IRL": 4.8, "ISL": 0.34, "ISR": 8.5,
    "ITA": 60.6, "JPN": 127.0, "KOR": 51.2, "LTU": 2.9, "LUX": 0.58, "LVA": 2.0, "MEX": 123.3,
    "NLD": 17.0, "NOR": 5.2, "NZL": 4.7, "POL": 38.0, "PRT": 10.3, "SVK": 5.4, "SVN": 2.1,
    "SWE": 9.9, "TUR": 79.8, "USA": 323.1, COUNTRY: 18.0,
}  # fmt: skip
# Development tier of the members (drives correlated levels; synthetic, coarse).
TIER_LOW = frozenset({"COL", "MEX", "TUR", "CRI", "CHL"})
TIER_MID = frozenset({"GRC", "HUN", "POL", "SVK", "LVA", "LTU", "PRT", "EST", "CZE", "SVN"})
TIER_HIGH = frozenset({"LUX", "CHE", "NOR", "IRL", "USA", "DNK"})

# --------------------------------------------------------------------------------------
# Planted troubles (documented in README.md; tests check them)
# --------------------------------------------------------------------------------------
LEB_END_MISSING = ("R13", "LEB_ENV02", 2025)  # end point missing -> nearest year 2024
LEB_START_MISSING = ("R10", "LEB_SOC02", 2022)  # start point missing -> nearest year 2023
LEB_TOO_SHORT = ("R05", "LEB_HLT04", (2022, 2023, 2024))  # only 2025 left in 2022-2025
# (region, indicator, (p2022, n2022), (p2025, n2025))
SURVEY_NOT_SIGNIFICANT = ("R07", "LEB_SRV03", (61.0, 300), (63.0, 310))
SURVEY_SIGNIFICANT = ("R07", "LEB_SRV01", (48.0, 1400), (58.0, 1450))
CGB_REORGANISED = ("MIND", 2024)  # reorganised in 2023: first data year 2024
CGB_END_MISSING = ("MTRN_03", 2025)
NPI_ZERO_BASE = (COUNTRY, "NPI_EGOV", 2017)  # 0.0 up to 2016, first services online 2017
NPI_LAG = ("NPI_CO2", 2025)  # not yet published for anyone
NPI_SERVERS_GROWTH = 19.0  # DMO secure servers grow ~19-fold 2016 -> 2025
RANDOM_GAP_SHARE = 0.015  # random gaps; in LEB/CGB only in years <= 2021


@dataclass(frozen=True)
class Params:
    """Vectorised simulation parameters, one entry per indicator."""

    level: np.ndarray
    log: np.ndarray
    direction: np.ndarray
    spread: np.ndarray
    trend: np.ndarray
    trend_sd: np.ndarray
    noise: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    decimals: np.ndarray


def params_from_specs(
    kinds: Sequence[str],
    directions: Sequence[int],
    levels: Sequence[float],
    moves: Sequence[float],
    decimals: Sequence[int],
    *,
    log_spread: float = 0.25,
) -> Params:
    """Derive simulation parameters from (kind, direction, level, move) of each indicator."""
    kind = np.asarray(kinds)
    d = np.asarray(directions, dtype=float)
    move = np.asarray(moves, dtype=float)
    is_log = kind == "lvl"
    return Params(
        level=np.asarray(levels, dtype=float),
        log=is_log,
        direction=d,
        spread=np.where(is_log, log_spread, 4.0 * move),
        trend=d * np.where(is_log, move, 0.4 * move),
        trend_sd=np.where(is_log, 0.03, 0.6 * move),
        noise=np.where(is_log, 0.02, 0.5 * move),
        lo=np.select([kind == "svy", kind == "lvl"], [1.0, -np.inf], 0.0),
        hi=np.where(kind == "svy", 99.0, np.where(kind == "pct", 100.0, np.inf)),
        decimals=np.asarray(decimals, dtype=int),
    )


def round_to(x: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """Round the last axis-broadcast ``x`` to per-indicator ``decimals`` (axis 1)."""
    scale = (10.0 ** decimals.astype(float))[None, :, None]
    return np.round(x * scale) / scale


def simulate(
    rng: np.random.Generator,
    p: Params,
    years: np.ndarray,
    *,
    t0: int,
    factor: np.ndarray,
    loading: float,
) -> np.ndarray:
    """Simulate an (entity, indicator, year) array.

    Path on the model scale (log for levels, linear otherwise)::

        dev[e,i] + (trend[i] + trend_sd[i] v[e,i]) (t - t0)
                 + trend_sd[i] w[e,i] max(0, t - 2021) + noise[i] eps[e,i,t]

    with dev = spread (loading factor[e] direction[i] + sqrt(1 - loading²) u[e,i]).
    """
    n_ent, n_ind = factor.size, p.level.size
    u = rng.standard_normal((n_ent, n_ind))
    v = rng.standard_normal((n_ent, n_ind))
    w = rng.standard_normal((n_ent, n_ind))
    eps = rng.standard_normal((n_ent, n_ind, years.size))
    dev = p.spread * (loading * factor[:, None] * p.direction + np.sqrt(1 - loading**2) * u)
    t = (years - t0).astype(float)
    brk = np.maximum(0, years - BREAK_YEAR).astype(float)
    path = (
        dev[:, :, None]
        + (p.trend + p.trend_sd * v)[:, :, None] * t
        + (p.trend_sd * w)[:, :, None] * brk
        + p.noise[None, :, None] * eps
    )
    lg = p.log[None, :, None]
    x = np.where(
        lg, p.level[None, :, None] * np.exp(np.where(lg, path, 0.0)), p.level[None, :, None] + path
    )
    x = round_to(soft_bounds(x, p), p.decimals)
    # after rounding, stay at least one rounding step inside finite bounds (no 0.0 or 100.0)
    step = (10.0 ** -p.decimals.astype(float))[None, :, None]
    return np.clip(x, p.lo[None, :, None] + step, p.hi[None, :, None] - step)


def soft_bounds(x: np.ndarray, p: Params) -> np.ndarray:
    """Squash values smoothly into (lo, hi): unchanged inside, tanh-compressed near a bound.

    Within a margin m of a bound, x -> bound ∓ m ± m·tanh(excess / m), so values approach
    the bound but never reach or cross it (no flat runs at 0 % or 100 %).
    """
    lo, hi = p.lo[None, :, None], p.hi[None, :, None]
    m_lo = np.maximum(0.3 * np.abs(p.level), 1e-9)[None, :, None]
    m_hi = np.where(np.isfinite(p.hi), 0.08 * (p.hi - p.lo), 1.0)[None, :, None]
    m_lo = np.where(np.isfinite(hi), np.minimum(m_lo, m_hi), m_lo)
    a = lo + m_lo
    x = np.where(x < a, a - m_lo * np.tanh((a - x) / m_lo), x)
    b = hi - m_hi
    with np.errstate(invalid="ignore"):
        x = np.where(np.isfinite(b) & (x > b), b + m_hi * np.tanh((x - b) / m_hi), x)
    return x


def random_gaps(rng: np.random.Generator, shape: tuple[int, ...], share: float) -> np.ndarray:
    """Boolean mask of randomly missing cells."""
    return rng.random(shape) < share


def to_long(
    values: np.ndarray,
    entities: Sequence[str],
    indicators: Sequence[str],
    years: np.ndarray,
    sample_size: np.ndarray | None,
) -> pd.DataFrame:
    """(entity, indicator, year) cube -> tidy frame in entity, indicator, year order."""
    n_e, n_i, n_y = values.shape
    frame = pd.DataFrame(
        {
            "entity": pd.array(np.repeat(np.asarray(entities), n_i * n_y), dtype="str"),
            "indicator": pd.array(
                np.tile(np.repeat(np.asarray(indicators), n_y), n_e), dtype="str"
            ),
            "year": np.tile(years.astype(np.int64), n_e * n_i),
            "value": values.reshape(-1).astype(np.float64),
        }
    )
    if sample_size is not None:
        frame["sample_size"] = pd.array(sample_size.reshape(-1), dtype="Int64")
    return frame


# --------------------------------------------------------------------------------------
# Catalog rows
# --------------------------------------------------------------------------------------
def fmt(x: float) -> str:
    """Short, exact text form of a number for the CSV."""
    return f"{x:g}"


def catalog_row(**cells: str) -> dict[str, str]:
    """One catalog row: every column present, empty when not applicable."""
    unknown = set(cells) - set(CATALOG_COLUMNS)
    if unknown:
        raise ValueError(f"unknown catalog columns {sorted(unknown)}")
    row = dict.fromkeys(CATALOG_COLUMNS, "")
    row.update(cells)
    row["source"] = SOURCE
    return row


def indicator_row(
    code: str, name: str, unit: str, direction: int, kind: str, move: float, *,
    parent: str, sphere: str, owner: str = "", with_cap: bool = True,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:  # fmt: skip
    """Catalog row of an indicator node (change rule and cap derived from ``kind``)."""
    change = "relative" if kind == "lvl" else "absolute"
    cells = {
        "code": code, "name": name, "parent": parent, "direction": str(direction),
        "weight": "1", "type": "survey" if kind == "svy" else "statistical",
        "change": change, "cap": fmt(move) if change == "absolute" and with_cap else "",
        "owner": owner, "unit": unit, "sphere": sphere,
    }  # fmt: skip
    cells.update(extra or {})
    return catalog_row(**cells)


def write_csv(rows: Sequence[dict[str, str]], path: Path) -> None:
    """Write catalog rows as UTF-8 CSV with LF line ends (byte-reproducible)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8")).chmod(0o644)


def write_parquet(frame: pd.DataFrame, path: Path, kind: str, extra: dict[str, object]) -> None:
    """Write a panel as zstd Parquet, no index, with the synthetic-data note in the metadata."""
    fields = [
        pa.field("entity", pa.string(), nullable=False),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("year", pa.int64(), nullable=False),
        pa.field("value", pa.float64()),
    ]
    if "sample_size" in frame.columns:
        fields.append(pa.field("sample_size", pa.int64()))
    table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
    note = {
        "synthetic": True,
        "description": (
            f"SYNTHETIC demo data generated by {GENERATOR} (seed {SEED}). Not real statistics."
        ),
        "generator": GENERATOR,
        "seed": SEED,
        "kind": kind,
        **extra,
    }
    meta = dict(table.schema.metadata or {})
    meta[b"govindex"] = json.dumps(note, sort_keys=True).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue().to_pybytes()).chmod(0o644)


# --------------------------------------------------------------------------------------
# The three data sets
# --------------------------------------------------------------------------------------
def make_leb(rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Local executive bodies: 20 regions x 50 indicators x 2014-2025."""
    regions = list(REGIONS)
    codes = [s[0] for s in LEB_SPECS]
    p = params_from_specs(
        [s[4] for s in LEB_SPECS], [s[3] for s in LEB_SPECS], [s[5] for s in LEB_SPECS],
        [s[6] for s in LEB_SPECS], [s[7] for s in LEB_SPECS],
    )  # fmt: skip
    factor = rng.standard_normal(len(regions)) + np.isin(regions, ["C01", "C02", "C03"]) * 1.0
    values = simulate(rng, p, LEB_YEARS, t0=2019, factor=factor, loading=0.5)
    is_survey = np.array([s[4] == "svy" for s in LEB_SPECS])
    sizes = rng.integers(300, 1501, size=values.shape)
    gaps = random_gaps(rng, values.shape, RANDOM_GAP_SHARE) & (LEB_YEARS <= 2021)[None, None, :]
    values = np.where(gaps, np.nan, values)

    r, i = regions.index, codes.index
    y = lambda year: int(year - LEB_YEARS[0])  # noqa: E731
    values[r(LEB_END_MISSING[0]), i(LEB_END_MISSING[1]), y(LEB_END_MISSING[2])] = np.nan
    values[r(LEB_START_MISSING[0]), i(LEB_START_MISSING[1]), y(LEB_START_MISSING[2])] = np.nan
    for year in LEB_TOO_SHORT[2]:
        values[r(LEB_TOO_SHORT[0]), i(LEB_TOO_SHORT[1]), y(year)] = np.nan
    for reg, ind, (p22, n22), (p25, n25) in (SURVEY_NOT_SIGNIFICANT, SURVEY_SIGNIFICANT):
        ri, ii = r(reg), i(ind)
        values[ri, ii, y(2022) : y(2025) + 1] = np.round(np.linspace(p22, p25, 4), 1)
        sizes[ri, ii, y(2022)], sizes[ri, ii, y(2025)] = n22, n25

    sample = np.where(is_survey[None, :, None] & ~np.isnan(values), sizes, 0)
    sample_masked = pd.array(sample.reshape(-1), dtype="Int64")
    sample_masked[sample.reshape(-1) == 0] = pd.NA
    frame = to_long(values, regions, codes, LEB_YEARS, None)
    frame["sample_size"] = sample_masked

    rows = [catalog_row(code="GPI_LEB", name="Government Performance Index — local executive "
                        "bodies", aggregation="")]  # fmt: skip
    spheres = dict(LEB_SPHERES)
    rows += [
        catalog_row(code=c, name=n, parent="GPI_LEB", weight="1", aggregation="",
                    sphere=n)
        for c, n in LEB_SPHERES
    ]  # fmt: skip
    for code, name, unit, d, kind, _level, move, _dec in LEB_SPECS:
        sphere_code = code[:7]
        rows.append(indicator_row(
            code, name, unit, d, kind, move, parent=sphere_code, sphere=spheres[sphere_code],
            with_cap=code not in LEB_NO_CAP, extra=LEB_EXTRA.get(code),
        ))  # fmt: skip
    return frame, rows


def make_cgb(rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Central government bodies: one indicator set per body, 2014-2025."""
    owners: list[str] = []
    codes: list[str] = []
    specs: list[CgbSpec] = []
    rows: list[dict[str, str]] = []
    for body, (sphere, groups, items) in CGB_SPECS.items():
        root = f"GPI_{body}"
        rows.append(catalog_row(
            code=root, name=f"Government Performance Index — {CENTRAL_BODIES[body]}",
            aggregation="", owner=body, sphere=sphere,
        ))  # fmt: skip
        rows += [
            catalog_row(code=f"{body}_G{k}", name=g, parent=root, weight="1",
                        aggregation="", owner=body, sphere=sphere)
            for k, g in enumerate(groups, start=1)
        ]  # fmt: skip
        n_stat = n_svy = 0
        for item in items:
            name, unit, d, kind, _level, move, _dec, group = item
            if kind == "svy":
                n_svy += 1
                code = f"{body}_S{n_svy:02d}"
            else:
                n_stat += 1
                code = f"{body}_{n_stat:02d}"
            parent = root if group == 0 else f"{body}_G{group}"
            extra = {"weight": "2"} if n_stat == 1 and kind != "svy" and body in {
                "MFIN", "MHEALTH", "MEDU", "MDIG"} else None  # fmt: skip
            rows.append(
                indicator_row(
                    code,
                    name,
                    unit,
                    d,
                    kind,
                    move,
                    parent=parent,
                    sphere=sphere,
                    owner=body,
                    extra=extra,
                )
            )
            owners.append(body)
            codes.append(code)
            specs.append(item)
    p = params_from_specs(
        [s[3] for s in specs], [s[2] for s in specs], [s[4] for s in specs],
        [s[5] for s in specs], [s[6] for s in specs], log_spread=0.1,
    )  # fmt: skip
    # One series per indicator: simulate a 1 x n_indicators cube.
    values = simulate(rng, p, CGB_YEARS, t0=2019, factor=np.zeros(1), loading=0.0)[0]
    sizes = rng.integers(800, 2501, size=values.shape)
    gaps = random_gaps(rng, values.shape, RANDOM_GAP_SHARE) & (CGB_YEARS <= 2021)[None, :]
    values = np.where(gaps, np.nan, values)
    values[codes.index(CGB_END_MISSING[0]), CGB_END_MISSING[1] == CGB_YEARS] = np.nan
    keep = ~((np.asarray(owners) == CGB_REORGANISED[0])[:, None]
             & (CGB_REORGANISED[1] > CGB_YEARS)[None, :])  # fmt: skip
    is_survey = np.array([s[3] == "svy" for s in specs])
    n_y = CGB_YEARS.size
    frame = pd.DataFrame({
        "entity": pd.array(np.repeat(owners, n_y), dtype="str"),
        "indicator": pd.array(np.repeat(codes, n_y), dtype="str"),
        "year": np.tile(CGB_YEARS.astype(np.int64), len(codes)),
        "value": values.reshape(-1),
    })  # fmt: skip
    ss = pd.array(sizes.reshape(-1), dtype="Int64")
    ss[~(np.repeat(is_survey, n_y) & ~np.isnan(values.reshape(-1)))] = pd.NA
    frame["sample_size"] = ss
    frame = frame.loc[keep.reshape(-1)].reset_index(drop=True)
    return frame, rows


def make_npi(rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """National Progress Index: DMO, the 38 OECD members and their weighted mean."""
    members = sorted(OECD_MEMBERS)
    countries = [COUNTRY, *members]
    codes = [s[0] for s in NPI_SPECS]
    d = np.array([s[3] for s in NPI_SPECS], dtype=float)
    is_log = np.array([s[4] == "log" for s in NPI_SPECS])
    oecd_level = np.array([s[6] for s in NPI_SPECS], dtype=float)
    dmo_level = np.array([s[7] for s in NPI_SPECS], dtype=float)
    improve = np.array([s[8] for s in NPI_SPECS], dtype=float)
    spread = np.array([s[9] for s in NPI_SPECS], dtype=float)
    lo = np.where(is_log, -np.inf, 0.0)
    pct_hi = np.array([s[2].startswith("%") for s in NPI_SPECS])
    p = Params(
        level=oecd_level, log=is_log, direction=d, spread=spread,
        trend=d * improve, trend_sd=np.abs(improve) * 0.35, noise=np.abs(improve) * 0.3,
        lo=lo, hi=np.where(pct_hi, 99.5, np.inf),
        decimals=np.array([s[10] for s in NPI_SPECS]),
    )  # fmt: skip
    tier = np.array([-1.5 if c in TIER_LOW else -0.5 if c in TIER_MID else
                     1.3 if c in TIER_HIGH else 0.5 for c in members])  # fmt: skip
    factor = tier + 0.4 * rng.standard_normal(len(members))
    member_vals = simulate(rng, p, NPI_YEARS, t0=2016, factor=factor, loading=0.7)
    # DMO: its own 2016 levels, no cross-country deviation.
    p_dmo = Params(**{**p.__dict__, "level": np.where(dmo_level > 0, dmo_level, 1.0),
                      "spread": np.zeros_like(spread)})  # fmt: skip
    dmo_vals = simulate(rng, p_dmo, NPI_YEARS, t0=2016, factor=np.zeros(1), loading=0.0)
    ys = (NPI_YEARS - 2016).astype(float)
    servers = codes.index("NPI_SERVERS")
    dmo_vals[0, servers] = np.round(200.0 * NPI_SERVERS_GROWTH ** (ys / 9.0), 1)
    egov = codes.index(NPI_ZERO_BASE[1])
    first = NPI_ZERO_BASE[2]
    dmo_vals[0, egov] = np.where(
        first > NPI_YEARS, 0.0, np.round(40.0 * np.exp(0.3 * (NPI_YEARS - first)))
    )
    values = np.concatenate([dmo_vals, member_vals], axis=0)
    gaps = random_gaps(rng, values.shape, RANDOM_GAP_SHARE)
    gaps[0] = False  # DMO complete except the publication lag below
    values = np.where(gaps, np.nan, values)
    values[:, codes.index(NPI_LAG[0]), NPI_LAG[1] == NPI_YEARS] = np.nan

    # Population (million), no gaps.
    pop0 = np.array([POP_2016[c] for c in countries])
    growth = 0.004 + 0.005 * rng.standard_normal(len(countries))
    pop = np.round(pop0[:, None] * np.exp(growth[:, None] * ys[None, :]), 3)

    # OECD aggregate: population-weighted mean over members with a value.
    w = pop[1:, None, :]  # member, 1, year
    mv = values[1:]
    has = ~np.isnan(mv)
    wsum = np.where(has, w, 0.0).sum(axis=0)
    num = np.where(has, mv * w, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        oecd = np.where(wsum > 0, num / wsum, np.nan)
    oecd_pop = np.round(pop[1:].sum(axis=0), 3)

    entities = [COUNTRY, OECD_AGGREGATE, *members]
    cube = np.concatenate([values[:1], oecd[None], values[1:]], axis=0)
    pop_cube = np.concatenate([pop[:1], oecd_pop[None], pop[1:]], axis=0)[:, None, :]
    full = np.concatenate([cube, pop_cube], axis=1)
    frame = to_long(full, entities, [*codes, "POP"], NPI_YEARS, None)

    rows = [catalog_row(code="NPI", name="National Progress Index", aggregation="")]
    for k, (code, name, unit, dd, _gen, change, *_rest) in enumerate(NPI_SPECS):
        # cap: the typical yearly change in units (log-scale series: growth x OECD level)
        move = abs(improve[k]) * (oecd_level[k] if is_log[k] else 1.0)
        cells = {"cap": f"{move:.2g}"} if change == "absolute" else {}
        cells.update(NPI_EXTRA.get(code, {}))
        rows.append(catalog_row(
            code=code, name=name, parent="NPI", direction=str(dd), weight="1",
            type="statistical", change=change, unit=unit, sphere=NPI_SPHERES[code], **cells,
        ))  # fmt: skip
    rows.append(catalog_row(code="CONTEXT", name="Context indicators (not part of the NPI)",
                            aggregation=""))  # fmt: skip
    rows.append(catalog_row(
        code="POP", name="Population", parent="CONTEXT", direction="1", weight="1",
        type="statistical", change="relative", unit="million persons", sphere="Context",
    ))  # fmt: skip
    return frame, rows


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: write the six demo files into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="output folder (default: the folder of this script)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    rng_leb, rng_cgb, rng_npi = np.random.default_rng(SEED).spawn(3)
    makers = (("leb", make_leb, rng_leb), ("cgb", make_cgb, rng_cgb), ("npi", make_npi, rng_npi))
    for kind, maker, rng in makers:
        frame, rows = maker(rng)
        write_parquet(frame, out / f"{kind}_panel.parquet", kind, {"rows": len(frame)})
        write_csv(rows, out / f"{kind}_catalog.csv")
        print(f"{kind}: {len(frame)} panel rows, {len(rows)} catalog rows -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
