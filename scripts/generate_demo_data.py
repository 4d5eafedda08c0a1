"""Generate a seeded, deterministic demo data set of a B2B marketing / sales funnel.

The output is the raw input of the lead-scoring project (contacts, contact_properties, events,
deals, sales_feedback) plus contact_truth, the hidden intent / fit / conversion of every contact
for later analyses (not an input of the product).

Every contact has a hidden intent and fit in [0, 1]. Fit follows from the firmographics (title
seniority, company size, industry, country, personal email, contact type); intent drives how many
events a contact has, which ones (pricing pages, demo requests, webinars, replies, product usage)
and when (hot contacts are active recently, cold ones fade). Deals and sales feedback follow from
intent * fit. Events without a contact_id carry the email or first + last + company name of the
contact they belong to, so identity resolution can recover them.

Bad rows (--bad-share of a table per case, at least one once a table has 100 rows; --no-bad: none)
so the quarantine of the product has work:
    events: duplicate event_id (exact copy; copy with another occurred_at), unknown event_type,
        unmatched contact (no contact_id, an email / name nobody has), missing event_type,
        missing occurred_at, unparseable occurred_at, occurred_at 30-400 days after --end-date
    contacts: duplicate contact_id (later updated_at), missing created_at, invalid email,
        negative employee_count, two contacts sharing one email
    deals: negative amount, unknown contact_id, duplicate deal_id, missing stage
    sales_feedback: unknown feedback value, unknown contact_id
    contact_properties: unknown contact_id, missing property name

Everything is vectorised with numpy per chunk of contacts and written chunk by chunk, so memory is
bounded by --chunk-contacts, not by the data size. Same flags => byte-identical files.

Example:
    python scripts/generate_demo_data.py --contacts 2000 --end-date 2025-06-30 --out data/raw
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from atomic_files import fsync_dir

DAY = 86_400
HOUR = 3_600

# --------------------------------------------------------------------------------------------
# Catalogs and value pools
# --------------------------------------------------------------------------------------------

# Same catalog as seeds/event_types.csv: (event_type, channel, is_activity).
EVENT_CATALOG: tuple[tuple[str, str, bool], ...] = (
    ("page_view", "web", True),
    ("form_submission", "web", True),
    ("content_download", "content", True),
    ("ad_click", "ads", True),
    ("email_sent", "email", False),
    ("email_open", "email", True),
    ("email_click", "email", True),
    ("email_unsubscribe", "email", False),
    ("email_bounce", "email", False),
    ("webinar_registration", "events", True),
    ("webinar_attended", "events", True),
    ("seminar_attended", "events", True),
    ("linkedin_connection_accepted", "social", True),
    ("linkedin_profile_visit", "social", True),
    ("twitter_follow", "social", True),
    ("outreach_sent", "outreach", False),
    ("outreach_reply", "outreach", True),
    ("product_signup", "product", True),
    ("product_onboarding_completed", "product", True),
    ("product_key_action", "product", True),
    ("account_deleted", "product", False),
)
ET = {name: code for code, (name, _, _) in enumerate(EVENT_CATALOG)}
IS_ACTIVITY = np.array([act for _, _, act in EVENT_CATALOG])
IS_EMAIL_CHANNEL = np.array([ch == "email" for _, ch, _ in EVENT_CATALOG])
# Events a contact does once; repeats are turned into page views.
ONCE_TYPES = (ET["linkedin_connection_accepted"], ET["twitter_follow"])

# Injected bad values (lower-cased and trimmed, none of them is in the catalog).
UNKNOWN_EVENT_TYPES = ("page_vew", "tiktok_like", "pageview ", "Chat_Started", "g2_review")
UNPARSEABLE_TIMESTAMPS = (
    "not a date",
    "2026-13-45 99:00:00",
    "0000-00-00 00:00:00",
    "N/A",
    "#VALUE!",
)
INVALID_EMAIL_KINDS = ("missing_domain", "no_at_sign")
UNKNOWN_FEEDBACK = ("maybe_later", "follow_up_next_year")
UNKNOWN_CONTACT_BASE = 90_000_000  # contact ids from C90000000 up are never generated

BASE_URL = "https://www.acme-analytics.com"
OWN_COMPANY = ("Acme Analytics", "acme-analytics.com")
COMPETITORS = (
    ("Datawise Inc.", "datawise.io"),
    ("Insightly Metrics Ltd", "insightlymetrics.co.uk"),
    ("Clearsignal BI", "clearsignal.com"),
)

FIRST_NAMES = (
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Paul",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Edward",
    "Sharon",
    "Jason",
    "Laura",
    "Jeffrey",
    "Cynthia",
    "Ryan",
    "Kathleen",
    "Jacob",
    "Amy",
    "Gary",
    "Angela",
    "Nicholas",
    "Shirley",
    "Eric",
    "Anna",
    "Jonathan",
    "Brenda",
    "Stephen",
    "Pamela",
    "Larry",
    "Emma",
    "Justin",
    "Nicole",
    "Scott",
    "Helen",
    "Brandon",
    "Samantha",
    "Benjamin",
    "Katherine",
    "Samuel",
    "Christine",
    "Gregory",
    "Debra",
    "Alexander",
    "Rachel",
    "Frank",
    "Carolyn",
    "Patrick",
    "Janet",
    "Raymond",
    "Catherine",
    "Jack",
    "Maria",
    "Dennis",
    "Heather",
    "Jerry",
    "Diane",
    "Tyler",
    "Ruth",
    "Aaron",
    "Julie",
    "Lukas",
    "Sophie",
    "Felix",
    "Hannah",
    "Jonas",
    "Lea",
    "Maximilian",
    "Lena",
    "Priya",
    "Rahul",
    "Ananya",
    "Arjun",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Lucas",
    "Camille",
    "Hugo",
    "Chloe",
    "Mateo",
    "Lucia",
    "Sven",
    "Ingrid",
    "Noah",
    "Olivia",
    "Liam",
    "Ava",
    "Mohammed",
    "Fatima",
    "Omar",
    "Leila",
    "Pedro",
    "Ana",
    "Diego",
    "Sofia",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Dubois",
    "Moreau",
    "Laurent",
    "Bernard",
    "Rossi",
    "Russo",
    "Ferrari",
    "Jansen",
    "DeVries",
    "Bakker",
    "Visser",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Sharma",
    "Gupta",
    "Singh",
    "Kumar",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Costa",
    "Pereira",
    "Novak",
    "Kowalski",
    "Nowak",
    "Horvat",
    "OBrien",
    "Murray",
    "Byrne",
    "Walsh",
)
# Names nobody in the contacts has: identity of the "unmatched contact" bad events.
GHOST_LAST_NAMES = (
    "Quillfeather",
    "Zabrowski",
    "Oyelaran",
    "Thistlewood",
    "Vandermolen",
    "Krzeminski",
    "Abernathy-Cole",
    "Featherstonhaugh",
)
GHOST_COMPANIES = ("Stealth Startup", "Unknown Company", "Freelance", "Self-employed", "N/A Corp")
GHOST_DOMAINS = ("mailinator-demo.net", "unknown-visitor.org", "randommail.example")

COMPANY_PREFIX = (
    "North",
    "South",
    "East",
    "West",
    "Blue",
    "Red",
    "Green",
    "Silver",
    "Golden",
    "Iron",
    "Copper",
    "Bright",
    "Clear",
    "Swift",
    "True",
    "Open",
    "Deep",
    "High",
    "Star",
    "Sun",
    "Moon",
    "Cloud",
    "Quant",
    "Nova",
    "Terra",
    "Aqua",
    "Alpha",
    "Omega",
    "Vertex",
    "Apex",
    "Summit",
    "Pioneer",
    "Harbor",
    "Cedar",
    "Maple",
    "Oak",
    "Pine",
    "Willow",
    "Birch",
    "Falcon",
    "Eagle",
    "Hawk",
    "Raven",
    "Wolf",
    "Fox",
    "Bear",
    "Lion",
    "Tiger",
    "Crystal",
    "Granite",
    "Marble",
    "Amber",
    "Coral",
    "Jade",
    "Ruby",
    "Onyx",
    "Cobalt",
    "Indigo",
    "Scarlet",
    "Violet",
    "Azure",
    "Crimson",
    "Polar",
    "Arctic",
    "Solar",
    "Lunar",
    "Atlas",
    "Orion",
    "Titan",
    "Vector",
    "Pixel",
    "Quantum",
    "Fusion",
    "Zen",
    "Nimbus",
    "Ember",
    "Echo",
    "Kite",
    "Meridian",
)
COMPANY_ROOT = (
    "peak",
    "stone",
    "wave",
    "field",
    "bridge",
    "point",
    "path",
    "gate",
    "line",
    "works",
    "forge",
    "leaf",
    "river",
    "brook",
    "ridge",
    "light",
    "spark",
    "shift",
    "scale",
    "stream",
    "view",
    "core",
    "wind",
    "rock",
    "water",
    "port",
    "haven",
    "crest",
    "vale",
    "mark",
    "bay",
    "hill",
    "wood",
    "land",
    "sky",
    "fire",
    "glen",
    "moor",
    "grove",
)
COMPANY_SECTOR = (
    "Analytics",
    "Systems",
    "Software",
    "Labs",
    "Technologies",
    "Solutions",
    "Networks",
    "Data",
    "Digital",
    "Cloud",
    "Capital",
    "Payments",
    "Health",
    "Logistics",
    "Retail",
    "Media",
    "Energy",
    "Security",
    "Robotics",
    "Consulting",
    "Insurance",
    "Foods",
    "Motors",
    "Telecom",
    "Learning",
    "Bio",
    "Finance",
    "Commerce",
    "Devices",
    "Partners",
)
COMPANY_GROUP = (
    "",
    " Group",
    " Holdings",
    " Global",
    " International",
    " Industries",
    " Ventures",
    " Worldwide",
    " Collective",
    " Company",
)

# (canonical, weight, representations as typed into the CRM, country tld, legal suffixes,
# is target country)
COUNTRIES: tuple[tuple[str, float, tuple[str, ...], str, tuple[str, ...], bool], ...] = (
    (
        "US",
        0.38,
        ("United States", "US", "USA", "U.S.", "united states"),
        ".com",
        (" Inc.", " LLC", " Corp.", ""),
        True,
    ),
    ("UK", 0.12, ("United Kingdom", "UK", "GB", "England"), ".co.uk", (" Ltd", " plc", ""), True),
    ("DE", 0.10, ("Germany", "DE", "Deutschland"), ".de", (" GmbH", " AG", ""), True),
    ("CA", 0.05, ("Canada", "CA"), ".ca", (" Inc.", " Ltd", ""), True),
    ("FR", 0.06, ("France", "FR"), ".fr", (" SAS", " SA", ""), False),
    ("NL", 0.04, ("Netherlands", "NL", "The Netherlands"), ".nl", (" B.V.", ""), False),
    ("IN", 0.07, ("India", "IN"), ".in", (" Pvt Ltd", ""), False),
    ("BR", 0.04, ("Brazil", "BR", "Brasil"), ".com.br", (" Ltda", ""), False),
    ("AU", 0.04, ("Australia", "AU"), ".com.au", (" Pty Ltd", ""), False),
    ("ES", 0.03, ("Spain", "ES", "España"), ".es", (" S.L.", ""), False),
    ("SE", 0.03, ("Sweden", "SE"), ".se", (" AB", ""), False),
    ("SG", 0.02, ("Singapore", "SG"), ".sg", (" Pte Ltd", ""), False),
    ("JP", 0.02, ("Japan", "JP"), ".jp", (" K.K.", ""), False),
)

# (industry, weight, is target industry)
INDUSTRIES: tuple[tuple[str, float, bool], ...] = (
    ("Software", 0.16, True),
    ("SaaS", 0.10, True),
    ("Fintech", 0.07, True),
    ("IT Services", 0.09, True),
    ("Financial Services", 0.07, False),
    ("Healthcare", 0.07, False),
    ("Manufacturing", 0.08, False),
    ("Retail", 0.07, False),
    ("E-commerce", 0.04, False),
    ("Education", 0.05, False),
    ("Government", 0.03, False),
    ("Media", 0.04, False),
    ("Logistics", 0.04, False),
    ("Consulting", 0.05, False),
    ("Telecommunications", 0.03, False),
    ("Non-profit", 0.02, False),
)

# (title, weight, level): level 0 student/intern, 1 individual contributor, 2 manager,
# 3 director, 4 head of, 5 VP, 6 C-level / founder. None = no title in the CRM.
TITLES: tuple[tuple[str | None, float, int], ...] = (
    ("CEO", 2.0, 6),
    ("CTO", 1.2, 6),
    ("CFO", 0.8, 6),
    ("COO", 0.5, 6),
    ("CMO", 0.8, 6),
    ("Chief Revenue Officer", 0.7, 6),
    ("Chief Data Officer", 0.5, 6),
    ("Founder", 0.9, 6),
    ("Co-Founder", 0.6, 6),
    ("VP Marketing", 1.6, 5),
    ("VP Sales", 1.5, 5),
    ("Vice President of Sales", 1.0, 5),
    ("VP of Engineering", 1.0, 5),
    ("Vice President, Operations", 0.7, 5),
    ("SVP Revenue", 0.4, 5),
    ("Head of Growth", 1.5, 4),
    ("Head of Data", 1.4, 4),
    ("Head of Marketing", 1.2, 4),
    ("Head of Sales Operations", 0.9, 4),
    ("Director of IT", 2.8, 3),
    ("Marketing Director", 2.6, 3),
    ("Director of Sales", 2.4, 3),
    ("Director, Business Intelligence", 2.2, 3),
    ("Marketing Manager", 4.5, 2),
    ("Sales Manager", 3.5, 2),
    ("IT Manager", 3.5, 2),
    ("Product Manager", 3.0, 2),
    ("Demand Generation Manager", 2.5, 2),
    ("Engineering Manager", 3.0, 2),
    ("Software Engineer", 6.5, 1),
    ("Data Analyst", 6.0, 1),
    ("Data Scientist", 3.5, 1),
    ("Marketing Specialist", 4.5, 1),
    ("Sales Development Representative", 3.5, 1),
    ("Account Executive", 3.5, 1),
    ("Consultant", 4.0, 1),
    ("Business Analyst", 4.0, 1),
    ("Operations Coordinator", 2.5, 1),
    ("Student", 2.6, 0),
    ("Intern", 1.4, 0),
    ("Marketing Intern", 0.6, 0),
    ("PhD Student", 0.4, 0),
    (None, 7.0, 1),
)
# Deal chance and win rate rise with intent * fit (calibrated: ~10% of contacts get a deal,
# ~35% of deals are won).
DEAL_P0, DEAL_P1 = 0.004, 1.3
WON_P0, WON_P1 = 0.12, 1.0
SENIORITY = np.array([0.0, 0.25, 0.5, 0.7, 0.75, 0.85, 1.0])

# (contact_type, weight, fit adjustment)
CONTACT_TYPES: tuple[tuple[str | None, float, float], ...] = (
    ("prospect", 0.855, 0.0),
    (None, 0.07, 0.0),
    ("employee", 0.02, -2.5),
    ("partner", 0.025, -0.8),
    ("competitor", 0.015, -3.0),
    ("vendor", 0.015, -1.5),
)
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com")
PERSONAL_DOMAIN_W = (0.52, 0.14, 0.12, 0.16, 0.06)

LEAD_SOURCES = (
    "direct_traffic",
    "organic_search",
    "paid_search",
    "referral",
    "social_media",
    "email_marketing",
    "offline",
    "outbound",
)
# Per lead source: (share of contacts with a detail, detail values).
LEAD_SOURCE_DETAILS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.0, ("",)),
    (0.4, ("google", "bing", "duckduckgo")),
    (
        0.8,
        ("gads_brand_terms", "gads_generic_analytics", "gads_competitor_terms", "bing_ads_brand"),
    ),
    (
        0.9,
        (
            "https://www.g2.com/products/acme-analytics/reviews",
            "https://www.capterra.com/",
            "partner: Northbridge Consulting",
            "customer referral",
            "https://news.ycombinator.com/",
        ),
    ),
    (0.7, ("linkedin", "twitter", "facebook", "youtube")),
    (0.6, ("newsletter", "nurture_data_strategy", "product_update")),
    (
        0.9,
        (
            "SaaStr Annual booth",
            "Gartner Data & Analytics Summit",
            "Roadshow Berlin",
            "Roadshow London",
            "Web Summit",
        ),
    ),
    (0.5, ("seq_enterprise_outbound", "seq_mid_market_outbound", "list: ICP accounts Q2")),
)
REPS = tuple(f"rep_{i:02d}" for i in range(1, 9))

# Web pages by category: pricing, product, case study, docs, blog, home, other.
PAGE_PATHS: tuple[tuple[str, ...], ...] = (
    ("/pricing", "/pricing", "/pricing/enterprise", "/pricing?plan=team"),
    (
        "/product",
        "/product/dashboards",
        "/product/data-pipelines",
        "/product/ai-insights",
        "/product/integrations",
        "/product/security",
    ),
    (
        "/case-studies/fintech-bank-growth",
        "/case-studies/saas-churn-reduction",
        "/case-studies/retail-demand-forecasting",
        "/case-studies/logistics-cost-savings",
    ),
    (
        "/docs/getting-started",
        "/docs/api/authentication",
        "/docs/integrations/salesforce",
        "/docs/sql-reference",
        "/docs/connectors/postgres",
    ),
    (
        "/blog/data-strategy-2025",
        "/blog/modern-bi-stack",
        "/blog/what-is-a-semantic-layer",
        "/blog/dashboard-design-tips",
        "/blog/ai-for-analytics",
        "/blog/reduce-churn-with-data",
        "/blog/kpi-examples",
        "/blog/data-team-structure",
        "/blog/sql-vs-no-code",
        "/blog/customer-story-roundup",
    ),
    ("/", "/"),
    ("/about", "/careers", "/careers/software-engineer", "/contact", "/partners"),
)
PAGE_FLAT = tuple(p for cat in PAGE_PATHS for p in cat)
PAGE_OFFSET = np.cumsum([0] + [len(c) for c in PAGE_PATHS[:-1]])
PAGE_SIZE = np.array([len(c) for c in PAGE_PATHS])

FORMS = ("demo_request", "contact_sales", "newsletter_signup", "ebook_download", "trial_request")
FORM_PATHS = ("/demo", "/contact-sales", "/newsletter", "/resources/ebook-data-strategy", "/trial")
CONTENTS = (
    "ebook_data_strategy",
    "ebook_modern_bi_guide",
    "ebook_ai_analytics_playbook",
    "whitepaper_roi",
    "whitepaper_security",
    "whitepaper_tco_comparison",
    "case_study_fintech",
    "case_study_saas_churn",
    "case_study_retail",
)
AD_PLATFORMS = ("linkedin_ads", "google_ads", "meta_ads")
AD_CAMPAIGNS = (
    ("li_abm_enterprise", "li_retargeting_pricing", "li_thought_leadership"),
    ("gads_brand_terms", "gads_generic_analytics", "gads_competitor_terms"),
    ("meta_retargeting", "meta_ebook_promo"),
)
AD_UTM = (("linkedin", "paid_social"), ("google", "cpc"), ("facebook", "paid_social"))
AD_LANDING = ("/demo", "/pricing", "/resources/ebook-data-strategy", "/product", "/trial")
REFERRERS = (
    "https://www.google.com/",
    "https://www.linkedin.com/",
    "https://www.bing.com/",
    "https://t.co/",
    "https://www.g2.com/",
    "https://news.ycombinator.com/",
)
UTM_QUERIES = (
    "?utm_source=linkedin&utm_medium=social",
    "?utm_source=newsletter&utm_medium=email",
    "?utm_source=google&utm_medium=organic",
    "?utm_source=twitter&utm_medium=social",
)
NURTURE_TOPICS = ("data_strategy", "bi_migration", "ai_insights", "trial_followup")
WEBINAR_TOPICS = ("data_roi", "ai_analytics", "product_demo", "customer_panel")
SEMINARS = (
    "evt_saastr_annual",
    "evt_gartner_data_summit",
    "evt_web_summit",
    "evt_roadshow_berlin",
    "evt_roadshow_london",
    "evt_dreamforce",
)
SEQUENCES = (
    "seq_inbound_followup",
    "seq_enterprise_outbound",
    "seq_mid_market_outbound",
    "seq_event_followup",
    "seq_reengagement",
)
KEY_ACTIONS = ("dashboard_created", "data_source_connected", "report_shared", "teammate_invited")
DELETE_REASONS = ("not_needed", "too_expensive", "switched_tool", "privacy")

PERSONAS = ("economic_buyer", "champion", "end_user", "influencer")
# P(persona | title level 0..6).
PERSONA_BY_LEVEL = np.array(
    [
        [0.00, 0.05, 0.85, 0.10],
        [0.02, 0.18, 0.55, 0.25],
        [0.05, 0.45, 0.15, 0.35],
        [0.25, 0.50, 0.00, 0.25],
        [0.30, 0.50, 0.00, 0.20],
        [0.65, 0.25, 0.00, 0.10],
        [0.80, 0.15, 0.00, 0.05],
    ]
)
TECH_STACKS = (
    "salesforce",
    "hubspot",
    "salesforce|marketo",
    "hubspot|segment",
    "dynamics",
    "pipedrive",
    "salesforce|outreach",
    "zoho",
)
PRODUCT_INTERESTS = (
    "dashboards",
    "data_pipelines",
    "ai_insights",
    "embedded_analytics",
    "reporting",
)
FEEDBACK_VALUES = ("sales_ready", "not_ready", "unqualified")
FEEDBACK_REASONS = (
    (
        "Confirmed budget and timeline",
        "Requested pricing for 50 seats",
        "Champion identified, evaluating vs competitor",
        "Asked for a technical deep-dive",
    ),
    (
        "No budget until next fiscal year",
        "Just researching",
        "Timing - revisit next quarter",
        "Existing contract runs until Q4",
    ),
    (
        "Student",
        "Company too small",
        "Competitor",
        "Wrong contact - no buying role",
        "Personal use only",
    ),
)

# --------------------------------------------------------------------------------------------
# Output schemas (all timestamps are text so that unparseable values can exist)
# --------------------------------------------------------------------------------------------

S = pa.string()
SCHEMAS: dict[str, pa.Schema] = {
    "contacts": pa.schema(
        [
            ("contact_id", S),
            ("email", S),
            ("first_name", S),
            ("last_name", S),
            ("company_name", S),
            ("company_domain", S),
            ("job_title", S),
            ("industry", S),
            ("country", S),
            ("employee_count", pa.int64()),
            ("annual_revenue", pa.float64()),
            ("lead_source", S),
            ("lead_source_detail", S),
            ("contact_type", S),
            ("owner_id", S),
            ("email_opt_out", pa.bool_()),
            ("created_at", S),
            ("updated_at", S),
        ]
    ),
    "contact_properties": pa.schema(
        [
            ("contact_id", S),
            ("property", S),
            ("value", S),
            ("updated_at", S),
        ]
    ),
    "events": pa.schema(
        [
            ("event_id", S),
            ("contact_id", S),
            ("email", S),
            ("first_name", S),
            ("last_name", S),
            ("company_name", S),
            ("event_type", S),
            ("occurred_at", S),
            ("url", S),
            ("form_id", S),
            ("campaign_id", S),
            ("content_id", S),
            ("session_id", S),
            ("source_system", S),
            ("properties", S),
        ]
    ),
    "deals": pa.schema(
        [
            ("deal_id", S),
            ("contact_id", S),
            ("stage", S),
            ("amount", pa.float64()),
            ("created_at", S),
            ("closed_at", S),
        ]
    ),
    "sales_feedback": pa.schema(
        [
            ("feedback_id", S),
            ("contact_id", S),
            ("feedback", S),
            ("reason", S),
            ("rep_id", S),
            ("created_at", S),
        ]
    ),
    "contact_truth": pa.schema(
        [
            ("contact_id", S),
            ("intent", pa.float64()),
            ("fit", pa.float64()),
            ("converted", pa.bool_()),
        ]
    ),
}
# Columns with few distinct values: dictionary-encode only these (saves time on the others).
DICT_COLUMNS = {
    "contacts": [
        "first_name",
        "last_name",
        "job_title",
        "industry",
        "country",
        "lead_source",
        "lead_source_detail",
        "contact_type",
        "owner_id",
    ],
    "contact_properties": ["property", "value"],
    "events": [
        "first_name",
        "last_name",
        "event_type",
        "url",
        "form_id",
        "campaign_id",
        "content_id",
        "source_system",
        "properties",
    ],
    "deals": ["stage"],
    "sales_feedback": ["feedback", "reason", "rep_id"],
    "contact_truth": [],
}


# --------------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------------


def _pool(values: tuple[str | None, ...] | list[str | None]) -> pa.Array:
    return pa.array(list(values), S)


def _take(values: tuple | list | pa.Array, idx: np.ndarray) -> pa.Array:
    pool = values if isinstance(values, pa.Array) else _pool(values)
    return pool.take(pa.array(np.asarray(idx, dtype=np.int64)))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate strings element-wise (a null part gives null)."""
    return pc.binary_join_element_wise(*parts, "")


def _where(mask: np.ndarray, a: pa.Array | str | None, b: pa.Array | str | None) -> pa.Array:
    a = pa.scalar(a, S) if a is None or isinstance(a, str) else a
    b = pa.scalar(b, S) if b is None or isinstance(b, str) else b
    return pc.if_else(pa.array(mask, pa.bool_()), a, b)


def _null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    return _where(mask, None, arr) if mask.any() else arr


def _pick(rng: np.random.Generator, n: int, weights: tuple | list | np.ndarray) -> np.ndarray:
    """n draws of a categorical with fixed weights."""
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    idx = np.searchsorted(cdf / cdf[-1], rng.random(n), side="right")
    return np.minimum(idx, len(cdf) - 1)


def _pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of an (n, k) matrix of unnormalised weights."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return np.minimum((u[:, None] >= cdf).sum(axis=1), probs.shape[1] - 1)


def _pick_within(rng: np.random.Generator, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A random index in [start, start + count) per row (count >= 1)."""
    return start + np.minimum((rng.random(len(start)) * count).astype(np.int64), count - 1)


# ASCII of "00".."99": writing two digits per lookup halves the integer divisions.
_PAIRS = np.array([[48 + k // 10, 48 + k % 10] for k in range(100)], np.uint8)


def _digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Write zero-padded decimal digits of values into buf[:, col:col + width] (ASCII)."""
    v = values.astype(np.int64, copy=True)
    j = col + width
    while j - col >= 2:
        buf[:, j - 2 : j] = _PAIRS[v % 100]
        v //= 100
        j -= 2
    if j > col:
        buf[:, col] = 48 + v % 10


def _text_from_rows(
    buf: np.ndarray, lengths: np.ndarray | None = None, valid: np.ndarray | None = None
) -> pa.Array:
    """Arrow strings from a (n, width) uint8 buffer, each row cut to its length."""
    n, width = buf.shape
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    assert n * width < 2**31, "chunk too large for 32-bit string offsets"
    if lengths is None:
        data = np.ascontiguousarray(buf).reshape(-1)
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    else:
        data = buf[np.arange(width)[None, :] < lengths[:, None]]
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(S, n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)])


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of days since 1970-01-01 (H. Hinnant's civil_from_days)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


# "HH:MM:SS" of every second of a day: a timestamp's time part is one lookup.
_TIME_OF_DAY = np.empty((DAY, 8), np.uint8)
_digits(_TIME_OF_DAY, 0, np.arange(DAY) // HOUR, 2)
_digits(_TIME_OF_DAY, 3, np.arange(DAY) // 60 % 60, 2)
_digits(_TIME_OF_DAY, 6, np.arange(DAY) % 60, 2)
_TIME_OF_DAY[:, [2, 5]] = ord(":")


def fmt_ts(secs: np.ndarray, iso: np.ndarray | None = None) -> pa.Array:
    """'YYYY-MM-DD HH:MM:SS' text of epoch seconds; 'YYYY-MM-DDTHH:MM:SSZ' where iso.

    Much faster than strftime: dates and times are looked up in small tables of bytes.
    """
    secs = np.asarray(secs, dtype=np.int64)
    buf = np.empty((len(secs), 20), np.uint8)
    if len(secs):
        days, sod = np.divmod(secs, DAY)
        first = int(days.min())
        span = np.arange(first, int(days.max()) + 1)
        y, m, d = _civil(span)
        dates = np.empty((len(span), 10), np.uint8)
        _digits(dates, 0, y, 4)
        _digits(dates, 5, m, 2)
        _digits(dates, 8, d, 2)
        dates[:, [4, 7]] = ord("-")
        buf[:, :10] = dates[days - first]
        buf[:, 11:19] = _TIME_OF_DAY[sod]
    buf[:, 10] = ord(" ")
    buf[:, 19] = ord("Z")
    if iso is None or not iso.any():
        return _text_from_rows(buf[:, :19])
    buf[iso, 10] = ord("T")
    return _text_from_rows(buf, np.where(iso, 20, 19))


def fmt_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """prefix + zero-padded number, e.g. C00000042."""
    p = prefix.encode()
    buf = np.empty((len(numbers), len(p) + width), np.uint8)
    buf[:, : len(p)] = np.frombuffer(p, np.uint8)
    _digits(buf, len(p), np.asarray(numbers), width)
    return _text_from_rows(buf)


# Two hex digits of every byte value.
_HEX_PAIRS = np.array([list(f"{k:02x}".encode()) for k in range(256)], np.uint8)


def fmt_hex(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """16 lower-case hex digits of uint64 values."""
    raw = np.asarray(values, dtype=">u8").view(np.uint8).reshape(-1, 8)
    return _text_from_rows(_HEX_PAIRS[raw].reshape(-1, 16), valid=valid)


def _int_text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), S)


def _noisy_case(
    rng: np.random.Generator, arr: pa.Array, lower: float, upper: float, pad: float
) -> pa.Array:
    """Case / whitespace noise as typed by humans: a share lower, upper, padded."""
    u = rng.random(len(arr))
    out = _where(u < lower, pc.utf8_lower(arr), arr)
    out = _where((u >= lower) & (u < lower + upper), pc.utf8_upper(arr), out)
    return _where((u >= lower + upper) & (u < lower + upper + pad), _join(" ", arr, "  "), out)


def _company_space() -> tuple[int, int]:
    """Size of the company-name space and a multiplier coprime with it (a bijection)."""
    space = len(COMPANY_PREFIX) * len(COMPANY_ROOT) * len(COMPANY_SECTOR) * len(COMPANY_GROUP)
    mult = 7_919
    while math.gcd(mult, space) != 1:
        mult += 2
    return space, mult


COMPANY_SPACE, COMPANY_MULT = _company_space()
# Distinct (prefix, root) pairs must give distinct words so company domains are unique.
assert len({p + r for p in COMPANY_PREFIX for r in COMPANY_ROOT}) == (
    len(COMPANY_PREFIX) * len(COMPANY_ROOT)
)


# --------------------------------------------------------------------------------------------
# Bad-row budget: the same share per case whatever the chunking
# --------------------------------------------------------------------------------------------


@dataclass
class BadBudget:
    share: float
    seen: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)

    def take(self, case: str, rows: int) -> int:
        """Bad rows of `case` to inject into a chunk of `rows` clean rows.

        Cumulative, so the total is round(share * table rows), at least 1 once the table
        has 100 rows, however the rows are split into chunks.
        """
        if self.share <= 0:
            return 0
        cum = self.seen.get(case, 0) + rows
        self.seen[case] = cum
        target = max(int(cum >= 100), math.floor(self.share * cum + 0.5))
        k = max(0, target - self.done.get(case, 0))
        self.done[case] = self.done.get(case, 0) + k
        return k


def _split_rows(rng: np.random.Generator, n: int, counts: dict[str, int]) -> dict[str, np.ndarray]:
    """Disjoint random row sets per case (capped by the rows available)."""
    perm = rng.permutation(n)
    out, pos = {}, 0
    for case, wanted in counts.items():
        k = min(wanted, n - pos)
        out[case] = np.sort(perm[pos : pos + k])
        pos += k
    return out


def _unknown_contact_ids(rng: np.random.Generator, k: int) -> pa.Array:
    return fmt_ids("C", UNKNOWN_CONTACT_BASE + rng.integers(0, 9_999_999, k), 8)


# --------------------------------------------------------------------------------------------
# Generation context
# --------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    seed: int
    contacts: int
    events_per_contact: float
    start_ts: int  # first second of the history
    end_ts: int  # last second of the history: end-date 23:59:59
    chunk_contacts: int
    bad: BadBudget
    next_event: int = 1
    next_deal: int = 1
    next_feedback: int = 1
    vocab: dict[str, Vocab] = field(init=False)
    month_lo: int = field(init=False)  # months (year * 12 + month - 1) campaigns can fall in
    month_hi: int = field(init=False)

    def __post_init__(self) -> None:
        self.vocab = {col: Vocab() for col in EVENT_CODED_COLS}
        self.month_lo = int(_month_index(np.array([self.start_ts]))[0])
        self.month_hi = int(_month_index(np.array([self.end_ts + 31 * DAY]))[0])


@dataclass
class People:
    """Hidden and CRM attributes of the contacts of one chunk (index = local contact)."""

    n: int
    ids: pa.Array
    intent: np.ndarray
    fit: np.ndarray
    created: np.ndarray
    level: np.ndarray  # title level 0..6
    owner: np.ndarray  # -1 = no owner
    employees: np.ndarray
    is_special: np.ndarray  # own employees and competitors
    email: pa.Array  # true, lower-case email
    email_ok: np.ndarray  # events may carry this email alone
    name_ok: np.ndarray  # events may carry first + last + company alone
    first: pa.Array
    last: pa.Array
    company: pa.Array
    email_src: np.ndarray  # 0 marketo, 1 hubspot
    cols: dict[str, pa.Array | np.ndarray]  # CRM columns
    bad_rows: dict[str, np.ndarray]


# --------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------


def _companies(rng: np.random.Generator, first_id: int, m: int) -> dict[str, np.ndarray | pa.Array]:
    """m companies with globally unique names / domains (a bijection of the company id)."""
    gid = np.arange(first_id, first_id + m, dtype=np.int64)
    h = (gid % COMPANY_SPACE * COMPANY_MULT + 12_345) % COMPANY_SPACE
    wrap = gid // COMPANY_SPACE  # only beyond ~3.7M contacts: names get a number
    p, h = h % len(COMPANY_PREFIX), h // len(COMPANY_PREFIX)
    r, h = h % len(COMPANY_ROOT), h // len(COMPANY_ROOT)
    s, g = h % len(COMPANY_SECTOR), h // len(COMPANY_SECTOR)

    country = _pick(rng, m, [c[1] for c in COUNTRIES])
    n_legal = np.array([len(c[4]) for c in COUNTRIES])
    legal_off = np.concatenate([[0], np.cumsum(n_legal)[:-1]])
    legal = legal_off[country] + (rng.random(m) * n_legal[country]).astype(np.int64)
    legal_pool = [x for c in COUNTRIES for x in c[4]]
    u = rng.random(m)
    tld = _where(
        u < 0.5, ".com", _where(u < 0.62, ".io", _take([c[3] for c in COUNTRIES], country))
    )
    number = _where(wrap > 0, _join(" ", _int_text(wrap + 1)), "")
    slug_number = _where(wrap > 0, _int_text(wrap + 1), "")

    sector = _take(COMPANY_SECTOR, s)
    group = _take(COMPANY_GROUP, g)
    word = _join(_take(COMPANY_PREFIX, p), _take(COMPANY_ROOT, r))
    name = _join(word, " ", sector, group, number, _take(legal_pool, legal))
    domain = _join(
        pc.utf8_lower(word),
        "-",
        pc.utf8_lower(sector),
        pc.utf8_lower(pc.replace_substring(group, " ", "-")),
        slug_number,
        tld,
    )

    # Size classes: tiny, small, mid-market, enterprise, very large.
    size = _pick(rng, m, [0.12, 0.25, 0.40, 0.17, 0.06])
    lo = np.array([1, 10, 50, 1001, 5001])[size]
    hi = np.array([9, 49, 1000, 5000, 100_000])[size]
    employees = np.exp(rng.uniform(np.log(lo), np.log(hi + 1))).astype(np.int64)
    employees = np.clip(employees, lo, hi)
    revenue = np.round(employees * rng.lognormal(np.log(180_000), 0.5, m), -3)
    industry = _pick(rng, m, [i[1] for i in INDUSTRIES])
    return {
        "name": name,
        "domain": domain,
        "country": country,
        "employees": employees,
        "revenue": revenue,
        "industry": industry,
    }


def gen_people(rng: np.random.Generator, ctx: Ctx, chunk: int, start: int, n: int) -> People:
    idx = np.arange(start, start + n, dtype=np.int64)
    per_chunk = -(-ctx.chunk_contacts // 4)  # ~4 contacts per company
    m = max(1, -(-n // 4))
    comp = _companies(rng, chunk * per_chunk, m)
    # Bigger companies have more contacts in the CRM.
    w = comp["employees"].astype(float) ** 0.35
    ci = rng.choice(m, n, p=w / w.sum())

    ctype = _pick(rng, n, [c[1] for c in CONTACT_TYPES])
    title = _pick(rng, n, [t[1] for t in TITLES])
    level = np.array([t[2] for t in TITLES])[title]
    student = level == 0
    employees = comp["employees"][ci]
    country = comp["country"][ci]
    industry = comp["industry"][ci]
    tiny = employees < 10

    is_employee = ctype == 2
    is_competitor = ctype == 4
    is_special = is_employee | is_competitor
    company = _take(comp["name"], ci)
    domain = _take(comp["domain"], ci)
    comp_pick = rng.integers(0, len(COMPETITORS), n)
    company = _where(
        is_employee,
        OWN_COMPANY[0],
        _where(is_competitor, _take([c[0] for c in COMPETITORS], comp_pick), company),
    )
    domain = _where(
        is_employee,
        OWN_COMPANY[1],
        _where(is_competitor, _take([c[1] for c in COMPETITORS], comp_pick), domain),
    )

    first_i = rng.integers(0, len(FIRST_NAMES), n)
    last_i = rng.integers(0, len(LAST_NAMES), n)
    first = _take(FIRST_NAMES, first_i)
    last = _take(LAST_NAMES, last_i)

    # Unique emails: first.last@domain, a number where a name repeats within a company,
    # on the shared domains (own company, competitors) and for personal addresses.
    key = (first_i * len(LAST_NAMES) + last_i) * (m + 1) + np.where(is_special, m, ci)
    _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    name_dup = cnt[inv] > 1
    p_personal = 0.05 + 0.30 * student + 0.12 * tiny
    personal = (rng.random(n) < p_personal) & ~is_special
    number = _int_text(idx + 1)
    local = _join(pc.utf8_lower(first), ".", pc.utf8_lower(last))
    pattern = rng.integers(0, 3, n)
    personal_local = _where(
        pattern == 0,
        _join(local, number),
        _where(
            pattern == 1,
            _join(pc.utf8_lower(first), pc.utf8_lower(last), number),
            _join(pc.utf8_slice_codeunits(pc.utf8_lower(first), 0, 1), pc.utf8_lower(last), number),
        ),
    )
    work_local = _where(name_dup | is_special, _join(local, number), local)
    personal_domain = _take(PERSONAL_DOMAINS, _pick(rng, n, PERSONAL_DOMAIN_W))
    email = _where(
        personal, _join(personal_local, "@", personal_domain), _join(work_local, "@", domain)
    )

    # Hidden fit: firmographics + noise; hidden intent: Beta, slightly higher with fit.
    size_score = np.select(
        [employees < 10, employees < 50, employees <= 1000, employees <= 5000],
        [-1.2, 0.0, 0.9, 0.8],
        0.3,
    )
    ind_target = np.array([i[2] for i in INDUSTRIES])[industry]
    ctry_target = np.array([c[5] for c in COUNTRIES])[country]
    ctype_adj = np.array([c[2] for c in CONTACT_TYPES])[ctype]
    z = (
        -1.6
        + 1.9 * SENIORITY[level]
        + size_score
        + 0.7 * ind_target
        + 0.35 * ctry_target
        - 1.1 * personal
        - 1.2 * student
        + ctype_adj
        + rng.normal(0, 0.45, n)
    )
    fit = 1 / (1 + np.exp(-z))
    intent = rng.beta(0.8 + 0.8 * fit, 3.0)

    # Contacts are created across the history, more of them recently (a growing database).
    span = ctx.end_ts - ctx.start_ts
    created = ctx.start_ts + (span * rng.random(n) ** 0.75).astype(np.int64)

    owner = np.where(rng.random(n) < 0.12 + 0.6 * fit, rng.integers(0, len(REPS), n), -1)
    src_w = np.tile([0.12, 0.22, 0.14, 0.08, 0.10, 0.08, 0.08, 0.0], (n, 1))
    src_w[:, 7] = 0.02 + 0.35 * fit * (owner >= 0)
    lead_source = _pick_rows(rng, src_w)

    # --- bad contacts (decided up front: events must not rely on a broken email) ---
    counts = {
        case: ctx.bad.take(f"contacts.{case}", n)
        for case in (
            "duplicate_id",
            "missing_created_at",
            "invalid_email",
            "negative_employee_count",
            "shared_email",
        )
    }
    bad_rows = _split_rows(rng, n, counts)
    email_ok = ~np.isin(
        np.arange(n), np.concatenate([bad_rows["invalid_email"], bad_rows["shared_email"]])
    )
    # The contact whose email is reused by a shared_email row: a random other contact.
    shared_src = np.setdiff1d(np.arange(n), bad_rows["shared_email"])
    shared_src = (
        rng.choice(shared_src, len(bad_rows["shared_email"]))
        if len(shared_src)
        else (np.zeros(0, np.int64))
    )
    email_ok[shared_src] = False

    # CRM columns: nulls for optional fields and typing noise.
    first_crm = _null_where(first, rng.random(n) < 0.02)
    last_crm = _null_where(last, rng.random(n) < 0.03)
    company_null = (student & (rng.random(n) < 0.6)) | (rng.random(n) < 0.03)
    company_crm = _null_where(company, company_null)
    name_ok = (
        ~name_dup
        & ~is_special
        & ~company_null
        & pc.is_valid(first_crm).to_numpy(zero_copy_only=False)
        & pc.is_valid(last_crm).to_numpy(zero_copy_only=False)
    )

    email_crm = email
    if len(bad_rows["invalid_email"]):
        r = bad_rows["invalid_email"]
        kind = rng.integers(0, len(INVALID_EMAIL_KINDS), len(r))
        mask = np.zeros(n, bool)
        mask[r] = True
        local_all = _join(pc.utf8_lower(first), ".", pc.utf8_lower(last))
        invalid = _where(
            np.isin(np.arange(n), r[kind == 0]),
            _join(local_all, "@"),
            _join(pc.utf8_lower(first), pc.utf8_lower(last), ".com"),
        )
        email_crm = _where(mask, invalid, email_crm)
    if len(bad_rows["shared_email"]):
        src_full = np.arange(n)
        src_full[bad_rows["shared_email"]] = shared_src
        email_crm = email_crm.take(pa.array(src_full))
    # Humans type emails with capitals now and then.
    email_crm = _where(rng.random(n) < 0.03, pc.utf8_title(email_crm), email_crm)

    title_crm = _noisy_case(rng, _take([t[0] for t in TITLES], title), 0.08, 0.03, 0.04)
    industry_crm = _noisy_case(rng, _take([i[0] for i in INDUSTRIES], industry), 0.10, 0.03, 0.03)
    industry_crm = _null_where(industry_crm, company_null | (rng.random(n) < 0.10))
    # Each country is typed in several ways, the first (canonical) one most often.
    n_variants = np.array([len(c[2]) for c in COUNTRIES])
    ctry_i = _offsets(n_variants)[country] + np.minimum(
        (rng.random(n) ** 1.8 * n_variants[country]).astype(np.int64), n_variants[country] - 1
    )
    country_crm = _noisy_case(
        rng, _take([x for c in COUNTRIES for x in c[2]], ctry_i), 0.06, 0.03, 0.03
    )
    country_crm = _null_where(country_crm, rng.random(n) < 0.08)
    domain_crm = _null_where(_where(personal, None, domain), company_null | (rng.random(n) < 0.1))

    emp_crm = employees.copy()
    emp_null = company_null | (rng.random(n) < 0.15)
    emp_crm[bad_rows["negative_employee_count"]] *= -1
    emp_null[bad_rows["negative_employee_count"]] = False
    rev_null = company_null | (rng.random(n) < 0.35)
    revenue = comp["revenue"][ci]

    detail_share = np.array([d[0] for d in LEAD_SOURCE_DETAILS])[lead_source]
    d_size = np.array([len(d[1]) for d in LEAD_SOURCE_DETAILS])
    d_off = np.concatenate([[0], np.cumsum(d_size)[:-1]])
    d_idx = d_off[lead_source] + (rng.random(n) * d_size[lead_source]).astype(np.int64)
    detail = _null_where(
        _take([x for d in LEAD_SOURCE_DETAILS for x in d[1]], d_idx), rng.random(n) >= detail_share
    )
    source_crm = _null_where(_take(LEAD_SOURCES, lead_source), rng.random(n) < 0.03)

    ids = fmt_ids("C", idx + 1, 8)
    cols: dict[str, pa.Array | np.ndarray] = {
        "contact_id": ids,
        "email": email_crm,
        "first_name": first_crm,
        "last_name": last_crm,
        "company_name": company_crm,
        "company_domain": domain_crm,
        "job_title": title_crm,
        "industry": industry_crm,
        "country": country_crm,
        "employee_count": pa.array(emp_crm, pa.int64(), mask=emp_null),
        "annual_revenue": pa.array(revenue, pa.float64(), mask=rev_null),
        "lead_source": source_crm,
        "lead_source_detail": detail,
        "contact_type": _take([c[0] for c in CONTACT_TYPES], ctype),
        "owner_id": _null_where(_take(REPS, np.maximum(owner, 0)), owner < 0),
    }
    return People(
        n=n,
        ids=ids,
        intent=intent,
        fit=fit,
        created=created,
        level=level,
        owner=owner,
        employees=employees,
        is_special=is_special,
        email=email,
        email_ok=email_ok,
        name_ok=name_ok,
        first=first_crm,
        last=last_crm,
        company=company_crm,
        email_src=(rng.random(n) < 0.35).astype(np.int8),
        cols=cols,
        bad_rows=bad_rows,
    )


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
# Event attributes are small integer codes into a Vocab per column until the chunk's table is
# built: sorting, copying and picking rows then moves integers, not strings, and each text
# column is materialised by one take at the end.

EVENT_CODED_COLS = ("url", "form_id", "campaign_id", "content_id", "source_system", "properties")


class Vocab:
    """The distinct text values of one event column; a value's code is its position."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def codes(self, values: Iterable[str]) -> np.ndarray:
        out = []
        for value in values:
            code = self._index.get(value)
            if code is None:
                code = self._index[value] = len(self.values)
                self.values.append(value)
            out.append(code)
        return np.array(out, dtype=np.int32)

    def decode(self, codes: np.ndarray) -> pa.Array:
        """Text of codes; -1 is null."""
        return _pool(self.values).take(pa.array(np.maximum(codes, 0), mask=codes < 0))


@dataclass
class Block:
    """Events of one kind: contact index, type, time, coded attributes, session number."""

    cidx: np.ndarray
    etype: np.ndarray
    t: np.ndarray
    codes: dict[str, np.ndarray]
    session: np.ndarray | None = None  # uint64, 0 = no session

    def __len__(self) -> int:
        return len(self.cidx)


def _block(
    cidx: np.ndarray,
    etype: int | np.ndarray,
    t: np.ndarray,
    session: np.ndarray | None = None,
    **codes: np.ndarray | int,
) -> Block:
    n = len(cidx)
    et = np.full(n, etype, np.int8) if np.isscalar(etype) else np.asarray(etype, np.int8)
    full = {
        col: np.full(n, v, np.int32) if np.isscalar(v) else np.asarray(v, np.int32)
        for col, v in codes.items()
    }
    return Block(np.asarray(cidx, np.int64), et, np.asarray(t, np.int64), full, session)


def _sessions(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(1, 2**63 - 1, n, dtype=np.int64).astype(np.uint64)


def _month_index(secs: np.ndarray) -> np.ndarray:
    y, m, _ = _civil(np.asarray(secs, dtype=np.int64) // DAY)
    return y * 12 + m - 1


def _month_codes(ctx: Ctx, vocab: Vocab, template: str) -> np.ndarray:
    """Codes of template (with {ym} = YYYY_MM) per month, index = month index - ctx.month_lo."""
    return vocab.codes(
        template.format(ym=f"{mi // 12:04d}_{mi % 12 + 1:02d}")
        for mi in range(ctx.month_lo, ctx.month_hi + 1)
    )


def _page_index(rng: np.random.Generator, intent: np.ndarray) -> np.ndarray:
    """Website pages (index into PAGE_FLAT): hot contacts read pricing, product and case
    studies; cold ones blogs."""
    i = intent
    w = np.column_stack(
        [
            0.03 + 0.25 * i,
            0.10 + 0.10 * i,
            0.03 + 0.08 * i,
            0.07 + 0.04 * i,
            0.42 - 0.30 * i,
            0.22 - 0.08 * i,
            0.13 - 0.09 * i,
        ]
    )
    cat = _pick_rows(rng, w)
    return PAGE_OFFSET[cat] + (rng.random(len(cat)) * PAGE_SIZE[cat]).astype(np.int64)


def _times_in_life(rng: np.random.Generator, p: People, ctx: Ctx, c: np.ndarray) -> np.ndarray:
    """Activity times: hot contacts skew to the end of the history, cold ones fade early."""
    a = 0.6 + 3.5 * p.intent[c] ** 1.5
    b = 0.7 + 2.5 * (1 - p.intent[c])
    life = ctx.end_ts - p.created[c]
    return p.created[c] + (life * rng.beta(a, b)).astype(np.int64)


def _fit_lag(rng: np.random.Generator, t0: np.ndarray, lag: np.ndarray, end: int) -> np.ndarray:
    """t0 + lag; where that passes the end, a random share of the room left instead (no pile of
    events at the very last second)."""
    room = np.maximum(end - t0, 0)
    return t0 + np.where(lag <= room, lag, (room * rng.uniform(0.1, 0.9, len(t0))).astype(np.int64))


def _after(rng: np.random.Generator, t0: np.ndarray, mean_secs: float, end: int) -> np.ndarray:
    """t0 plus an exponential delay (an open after a send, a click after an open)."""
    return _fit_lag(rng, t0, 1 + rng.exponential(mean_secs, len(t0)).astype(np.int64), end)


def _lag(rng: np.random.Generator, t0: np.ndarray, lo: int, hi: int, end: int) -> np.ndarray:
    """t0 plus a uniform delay in [lo, hi)."""
    return _fit_lag(rng, t0, rng.integers(lo, hi, len(t0)), end)


def _offsets(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def gen_events(rng: np.random.Generator, ctx: Ctx, p: People) -> list[Block]:
    """The clean events of a chunk's contacts, as coded blocks."""
    n, end, F = p.n, ctx.end_ts, ctx.events_per_contact
    V = ctx.vocab
    intent, fit = p.intent, p.fit
    life = (end - p.created).astype(float)
    hf = life / (end - ctx.start_ts)
    hf_mean = 0.75 / 1.75  # E[hf] for created = start + span * u ** 0.75
    contacts = np.arange(n)
    blocks: list[Block] = []
    props = V["properties"]
    source_codes = {
        name: int(V["source_system"].codes([name])[0])
        for name in (
            "marketo",
            "hubspot",
            "outreach_io",
            "salesloft",
            "segment",
            "web_analytics",
            "zoom_webinars",
            "eventbrite",
            "linkedin_sales_navigator",
            "twitter",
            *AD_PLATFORMS,
        )
    }

    # --- email: sent to most contacts whatever their intent; opens/clicks follow intent ---
    reach = rng.random(n) < 0.92
    n_sent = rng.poisson(0.26 * F * hf / hf_mean * reach)
    n_open = rng.binomial(n_sent, 0.08 + 0.45 * intent)
    n_click = rng.binomial(n_open, 0.08 + 0.40 * intent)
    n_unsub = np.minimum(rng.binomial(n_sent, 0.004 * (1 - intent) ** 2 + 0.0005), 1)
    n_bounce = np.minimum(rng.binomial(n_sent, 0.002 + 0.02 * ~p.email_ok), 1)

    c = np.repeat(contacts, n_sent)
    t_sent = p.created[c] + (life[c] * rng.random(len(c))).astype(np.int64)
    month = _month_index(t_sent) - ctx.month_lo
    kind = _pick(rng, len(c), [0.5, 0.35, 0.15])
    camp_codes = V["campaign_id"]
    nurture = camp_codes.codes(
        f"em_nurture_{topic}_step{k}" for topic in NURTURE_TOPICS for k in range(1, 5)
    )
    campaign = np.select(
        [kind == 0, kind == 1],
        [
            _month_codes(ctx, camp_codes, "em_newsletter_{ym}")[month],
            nurture[rng.integers(0, len(nurture), len(c))],
        ],
        _month_codes(ctx, camp_codes, "em_product_update_{ym}")[month],
    )
    source = np.array([source_codes["marketo"], source_codes["hubspot"]])[p.email_src[c]]
    blocks.append(_block(c, ET["email_sent"], t_sent, campaign_id=campaign, source_system=source))
    sent_off = _offsets(n_sent)

    def from_sent(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cc = np.repeat(contacts, k)
        return cc, _pick_within(rng, sent_off[cc], n_sent[cc])

    c, rows = from_sent(n_open)
    t_open = _after(rng, t_sent[rows], 8 * HOUR, end)
    device = props.codes(['{"device":"desktop"}', '{"device":"mobile"}'])
    blocks.append(
        _block(
            c,
            ET["email_open"],
            t_open,
            campaign_id=campaign[rows],
            source_system=source[rows],
            properties=device[(rng.random(len(c)) < 0.45).astype(np.int64)],
        )
    )
    open_off = _offsets(n_open)
    cc = np.repeat(contacts, n_click)
    rows_o = _pick_within(rng, open_off[cc], n_open[cc])
    click_urls = V["url"].codes(
        f"{BASE_URL}{page}?utm_source=email&utm_medium={medium}"
        for page in PAGE_FLAT
        for medium in ("newsletter", "nurture")
    )
    url = click_urls[_page_index(rng, intent[cc]) * 2 + (rng.random(len(cc)) < 0.4)]
    sent_rows = rows[rows_o]
    blocks.append(
        _block(
            cc,
            ET["email_click"],
            _after(rng, t_open[rows_o], 120, end),
            url=url,
            campaign_id=campaign[sent_rows],
            source_system=source[sent_rows],
        )
    )
    c, rows = from_sent(n_unsub)
    blocks.append(
        _block(
            c,
            ET["email_unsubscribe"],
            _after(rng, t_sent[rows], HOUR, end),
            campaign_id=campaign[rows],
            source_system=source[rows],
        )
    )
    c, rows = from_sent(n_bounce)
    bounce = props.codes(['{"bounce_type":"hard"}', '{"bounce_type":"soft"}'])
    blocks.append(
        _block(
            c,
            ET["email_bounce"],
            _after(rng, t_sent[rows], 30, end),
            campaign_id=campaign[rows],
            source_system=source[rows],
            properties=bounce[(rng.random(len(c)) < 0.3).astype(np.int64)],
        )
    )

    # --- sales outreach: sequences to most fitting contacts; replies follow intent ---
    o_reach = rng.random(n) < 0.30 + 0.45 * fit
    n_out = rng.poisson(0.07 * F * hf / hf_mean * o_reach)
    n_reply = np.minimum(rng.binomial(n_out, 0.015 + 0.25 * intent**1.5), 2)
    c = np.repeat(contacts, n_out)
    t_out = p.created[c] + (life[c] * rng.random(len(c)) ** 0.6).astype(np.int64)
    seq = camp_codes.codes(SEQUENCES)[rng.integers(0, len(SEQUENCES), len(c))]
    # Reps 01-04 work in Outreach, the others (and unowned sequences) in Salesloft.
    o_source = np.where(
        np.isin(p.owner[c], [0, 1, 2, 3]), source_codes["outreach_io"], source_codes["salesloft"]
    )
    step_props = props.codes(
        f'{{"step":{step},"channel":"{channel}"}}'
        for step in range(1, 6)
        for channel in ("email", "linkedin")
    )
    step = step_props[rng.integers(0, 5, len(c)) * 2 + (rng.random(len(c)) < 0.3)]
    blocks.append(
        _block(
            c, ET["outreach_sent"], t_out, campaign_id=seq, source_system=o_source, properties=step
        )
    )
    out_off = _offsets(n_out)
    cc = np.repeat(contacts, n_reply)
    rows = _pick_within(rng, out_off[cc], n_out[cc])
    t_reply = t_out[rows] + 600 + rng.exponential(1.5 * DAY, len(cc)).astype(np.int64)
    keep = t_reply <= end  # a reply after the end of the history has not happened yet
    rows = rows[keep]
    blocks.append(
        _block(
            cc[keep],
            ET["outreach_reply"],
            t_reply[keep],
            campaign_id=seq[rows],
            source_system=o_source[rows],
        )
    )

    # --- product: signup -> onboarding -> key actions, in that order in time ---
    segment = source_codes["segment"]
    signup = rng.random(n) < 0.01 + 0.35 * intent**2 * (0.3 + 0.7 * fit)
    onboard = signup & (rng.random(n) < 0.40 + 0.50 * intent)
    n_key = onboard * (rng.random(n) < 0.85) * (1 + rng.poisson(1 + 9 * intent**2))
    deleted = signup & (rng.random(n) < 0.25 * (1 - intent))
    cs = np.flatnonzero(signup)
    t_signup = np.zeros(n, np.int64)
    t_signup[cs] = _times_in_life(rng, p, ctx, cs)
    plan = props.codes(['{"plan":"freemium"}', '{"plan":"free_trial"}'])
    blocks.append(
        _block(
            cs,
            ET["product_signup"],
            t_signup[cs],
            session=_sessions(rng, len(cs)),
            source_system=segment,
            properties=plan[(rng.random(len(cs)) < 0.3).astype(np.int64)],
        )
    )
    co = np.flatnonzero(onboard)
    t_onb = np.zeros(n, np.int64)
    t_onb[co] = np.minimum(
        t_signup[co] + 60 + ((end - t_signup[co]) * rng.beta(1, 12, len(co))).astype(np.int64), end
    )
    steps = props.codes(f'{{"steps_completed":{k}}}' for k in range(4, 7))
    blocks.append(
        _block(
            co,
            ET["product_onboarding_completed"],
            t_onb[co],
            session=_sessions(rng, len(co)),
            source_system=segment,
            properties=steps[rng.integers(0, 3, len(co))],
        )
    )
    ck = np.repeat(contacts, n_key)
    t_key = np.minimum(
        t_onb[ck] + 1 + ((end - t_onb[ck]) * rng.beta(1, 1.5, len(ck))).astype(np.int64), end
    )
    actions = props.codes(f'{{"action":"{a}"}}' for a in KEY_ACTIONS)
    blocks.append(
        _block(
            ck,
            ET["product_key_action"],
            t_key,
            session=_sessions(rng, len(ck)),
            source_system=segment,
            properties=actions[rng.integers(0, len(actions), len(ck))],
        )
    )
    last_product = np.maximum(t_onb, t_signup)
    np.maximum.at(last_product, ck, t_key)
    cd = np.flatnonzero(deleted)
    t_del = np.minimum(
        last_product[cd]
        + 1
        + ((end - last_product[cd]) * rng.beta(1, 3, len(cd))).astype(np.int64),
        end,
    )
    reasons = props.codes(f'{{"reason":"{r}"}}' for r in DELETE_REASONS)
    blocks.append(
        _block(
            cd,
            ET["account_deleted"],
            t_del,
            source_system=segment,
            properties=reasons[rng.integers(0, len(reasons), len(cd))],
        )
    )

    # --- engagement: the rest of the budget of --events-per-contact, driven by intent ---
    used = sum(len(b) for b in blocks)
    # Mix of three profiles (cold / warm / hot), weights (1-i)^2, 2i(1-i), i^2.
    kinds = (
        "page_view",
        "form_submission",
        "content_download",
        "ad_click",
        "webinar_registration",
        "seminar_attended",
        "linkedin_connection_accepted",
        "linkedin_profile_visit",
        "twitter_follow",
    )
    profiles = np.array(
        [
            [0.640, 0.025, 0.045, 0.150, 0.020, 0.004, 0.030, 0.050, 0.036],
            [0.610, 0.055, 0.075, 0.080, 0.050, 0.012, 0.040, 0.060, 0.018],
            [0.560, 0.090, 0.070, 0.050, 0.080, 0.030, 0.050, 0.060, 0.010],
        ]
    )
    reg_share = (
        (1 - intent) ** 2 * profiles[0, 4]
        + 2 * intent * (1 - intent) * profiles[1, 4]
        + intent**2 * profiles[2, 4]
    )
    p_attend = 0.30 + 0.50 * intent
    lam = rng.gamma(0.8, 1 / 0.8, n) * (0.10 + 3.0 * intent**1.5) * hf**0.6
    lam = np.where(p.created >= end - HOUR, 0.0, lam)
    # Webinar attendances are derived from registrations: leave room for them.
    extra = 1 + (lam * reg_share * p_attend).sum() / max(lam.sum(), 1e-9)
    budget = max(F * n - used, 0.0) / extra
    n_eng = rng.poisson(lam * budget / max(lam.sum(), 1e-9))
    c = np.repeat(contacts, n_eng)
    t = _times_in_life(rng, p, ctx, c)
    # Some anonymous browsing happened before the contact was created (matched later).
    before = rng.random(len(c)) < 0.04
    created = p.created[c[before]]
    gap = np.minimum(
        rng.exponential(10 * DAY, len(created)), (created - ctx.start_ts) * rng.random(len(created))
    )
    t[before] = created - gap.astype(np.int64)
    ic = intent[c]
    # P(warm | not cold) = 2i(1-i) / (1 - (1-i)^2) = 2(1-i) / (2-i)
    prof = np.where(
        rng.random(len(c)) < (1 - ic) ** 2,
        0,
        np.where(rng.random(len(c)) < 2 * (1 - ic) / (2 - ic), 1, 2),
    )
    cdf = np.cumsum(profiles, axis=1)
    kind = np.minimum((rng.random(len(c))[:, None] >= cdf[prof]).sum(axis=1), len(kinds) - 1)
    etype = np.array([ET[k] for k in kinds])[kind]
    # Connections / follows happen once per contact: repeats become page views.
    for once in ONCE_TYPES:
        rows = np.flatnonzero(etype == once)
        _, first_rows = np.unique(c[rows], return_index=True)
        etype[np.setdiff1d(rows, rows[first_rows])] = ET["page_view"]

    blocks.extend(_web_blocks(rng, p, ctx, c, t, etype, source_codes))
    blocks.extend(_other_engagement_blocks(rng, p, ctx, c, t, etype, p_attend, source_codes))
    return blocks


def _web_blocks(
    rng: np.random.Generator,
    p: People,
    ctx: Ctx,
    c: np.ndarray,
    t: np.ndarray,
    etype: np.ndarray,
    source_codes: dict[str, int],
) -> list[Block]:
    V = ctx.vocab
    blocks = []
    # Page views come in sessions: a share follow the previous view of the contact by minutes.
    rows = np.flatnonzero(etype == ET["page_view"])
    order = rows[np.lexsort((t[rows], c[rows]))]
    pv_c, pv_t = c[order], t[order]
    m = len(order)
    start = np.ones(m, bool)
    start[1:] = (pv_c[1:] != pv_c[:-1]) | (rng.random(max(m - 1, 0)) >= 0.6)
    sess = np.cumsum(start) - 1
    starts = np.flatnonzero(start)
    gaps = np.where(start, 0, 20 + rng.exponential(150, m).astype(np.int64))
    cg = np.cumsum(gaps)
    pv_t = np.minimum(pv_t[starts][sess] + cg - cg[starts][sess], ctx.end_ts)
    # Landing pages (session starts) sometimes carry UTM parameters and a referrer.
    page_urls = V["url"].codes(
        f"{BASE_URL}{page}{query}" for page in PAGE_FLAT for query in ("", *UTM_QUERIES)
    )
    query = np.where(start & (rng.random(m) < 0.15), 1 + rng.integers(0, len(UTM_QUERIES), m), 0)
    url = page_urls[_page_index(rng, p.intent[pv_c]) * (1 + len(UTM_QUERIES)) + query]
    ref = V["properties"].codes(f'{{"referrer":"{r}"}}' for r in REFERRERS)
    ref = np.where(start & (rng.random(m) < 0.3), ref[rng.integers(0, len(ref), m)], -1)
    blocks.append(
        _block(
            pv_c,
            ET["page_view"],
            pv_t,
            session=_sessions(rng, len(starts))[sess],
            url=url,
            source_system=source_codes["web_analytics"],
            properties=ref,
        )
    )

    rows = np.flatnonzero(etype == ET["form_submission"])
    i = p.intent[c[rows]]
    form = _pick_rows(
        rng,
        np.column_stack(
            [0.03 + 0.30 * i, 0.02 + 0.12 * i, 0.35 - 0.25 * i, 0.30 - 0.15 * i, 0.03 + 0.15 * i]
        ),
    )
    utm = V["properties"].codes(
        f'{{"utm_source":"{s}"}}' for s in ("google", "linkedin", "newsletter")
    )
    utm = np.where(rng.random(len(rows)) < 0.2, utm[rng.integers(0, len(utm), len(rows))], -1)
    src = np.where(
        rng.random(len(rows)) < 0.5, source_codes["web_analytics"], source_codes["hubspot"]
    )
    blocks.append(
        _block(
            c[rows],
            ET["form_submission"],
            t[rows],
            session=_sessions(rng, len(rows)),
            url=V["url"].codes(BASE_URL + path for path in FORM_PATHS)[form],
            form_id=V["form_id"].codes(FORMS)[form],
            source_system=src,
            properties=utm,
        )
    )

    rows = np.flatnonzero(etype == ET["content_download"])
    i = p.intent[c[rows]]
    flat = np.ones(len(rows))
    w = np.column_stack(
        [
            0.20 * flat,
            0.15 * flat,
            0.10 + 0.05 * i,
            0.10 + 0.05 * i,
            0.06 * flat,
            0.05 + 0.06 * i,
            0.03 + 0.15 * i,
            0.03 + 0.12 * i,
            0.03 + 0.08 * i,
        ]
    )
    content = _pick_rows(rng, w)
    src = np.where(
        rng.random(len(rows)) < 0.7, source_codes["hubspot"], source_codes["web_analytics"]
    )
    blocks.append(
        _block(
            c[rows],
            ET["content_download"],
            t[rows],
            session=_sessions(rng, len(rows)),
            url=V["url"].codes(f"{BASE_URL}/resources/{cid.replace('_', '-')}" for cid in CONTENTS)[
                content
            ],
            content_id=V["content_id"].codes(CONTENTS)[content],
            source_system=src,
        )
    )

    rows = np.flatnonzero(etype == ET["ad_click"])
    camp_platform = np.array([k for k, cs in enumerate(AD_CAMPAIGNS) for _ in cs])
    camp_names = [x for cs in AD_CAMPAIGNS for x in cs]
    platform = _pick(rng, len(rows), [0.5, 0.35, 0.15])
    n_camp = np.array([len(x) for x in AD_CAMPAIGNS])
    camp = _offsets(n_camp)[platform] + (rng.random(len(rows)) * n_camp[platform]).astype(np.int64)
    landing = rng.integers(0, len(AD_LANDING), len(rows))
    utm = [AD_UTM[k] for k in camp_platform]
    ad_urls = V["url"].codes(
        f"{BASE_URL}{land}?utm_source={utm[k][0]}&utm_medium={utm[k][1]}&utm_campaign={name}"
        for land in AD_LANDING
        for k, name in enumerate(camp_names)
    )
    ad_props = V["properties"].codes(
        f'{{"utm_source":"{utm[k][0]}","utm_medium":"{utm[k][1]}","utm_campaign":"{name}"}}'
        for k, name in enumerate(camp_names)
    )
    blocks.append(
        _block(
            c[rows],
            ET["ad_click"],
            t[rows],
            session=_sessions(rng, len(rows)),
            url=ad_urls[landing * len(camp_names) + camp],
            campaign_id=V["campaign_id"].codes(camp_names)[camp],
            source_system=np.array([source_codes[x] for x in AD_PLATFORMS])[platform],
            properties=ad_props[camp],
        )
    )
    return blocks


def _other_engagement_blocks(
    rng: np.random.Generator,
    p: People,
    ctx: Ctx,
    c: np.ndarray,
    t: np.ndarray,
    etype: np.ndarray,
    p_attend: np.ndarray,
    source_codes: dict[str, int],
) -> list[Block]:
    V = ctx.vocab
    blocks = []
    end = ctx.end_ts
    rows = np.flatnonzero(etype == ET["webinar_registration"])
    topic = rng.integers(0, len(WEBINAR_TOPICS), len(rows))
    # The webinar takes place 1-21 days after the registration (campaign = its month).
    t_web = t[rows] + rng.integers(DAY, 21 * DAY, len(rows))
    webinars = np.stack(
        [
            _month_codes(ctx, V["campaign_id"], f"webinar_{{ym}}_{topic}")
            for topic in WEBINAR_TOPICS
        ],
        axis=1,
    )
    campaign = webinars[_month_index(t_web) - ctx.month_lo, topic]
    urls = V["url"].codes(f"{BASE_URL}/webinars/{x.replace('_', '-')}" for x in WEBINAR_TOPICS)
    blocks.append(
        _block(
            c[rows],
            ET["webinar_registration"],
            t[rows],
            url=urls[topic],
            campaign_id=campaign,
            source_system=source_codes["zoom_webinars"],
        )
    )
    attend = np.flatnonzero((rng.random(len(rows)) < p_attend[c[rows]]) & (t_web <= end))
    minutes = (5 + 55 * rng.beta(1 + 3 * p.intent[c[rows[attend]]], 1.5)).astype(np.int64)
    duration = V["properties"].codes(f'{{"duration_min":{k}}}' for k in range(5, 61))
    blocks.append(
        _block(
            c[rows[attend]],
            ET["webinar_attended"],
            t_web[attend],
            campaign_id=campaign[attend],
            source_system=source_codes["zoom_webinars"],
            properties=duration[np.clip(minutes, 5, 60) - 5],
        )
    )

    rows = np.flatnonzero(etype == ET["seminar_attended"])
    year0 = ctx.month_lo // 12
    seminars = V["campaign_id"].codes(
        f"{s}_{y}" for y in range(year0, ctx.month_hi // 12 + 1) for s in SEMINARS
    )
    year = _month_index(t[rows]) // 12 - year0
    badge = V["properties"].codes(['{"badge_scan":true}'])[0]
    blocks.append(
        _block(
            c[rows],
            ET["seminar_attended"],
            t[rows],
            campaign_id=seminars[year * len(SEMINARS) + rng.integers(0, len(SEMINARS), len(rows))],
            source_system=source_codes["eventbrite"],
            properties=np.where(rng.random(len(rows)) < 0.5, badge, -1),
        )
    )

    rows = np.flatnonzero(etype == ET["linkedin_connection_accepted"])
    owner = p.owner[c[rows]]
    rep = V["properties"].codes(f'{{"rep_id":"{r}"}}' for r in REPS)
    blocks.append(
        _block(
            c[rows],
            ET["linkedin_connection_accepted"],
            t[rows],
            source_system=source_codes["linkedin_sales_navigator"],
            properties=rep[np.where(owner >= 0, owner, rng.integers(0, len(REPS), len(rows)))],
        )
    )
    for name, source in (
        ("linkedin_profile_visit", "linkedin_sales_navigator"),
        ("twitter_follow", "twitter"),
    ):
        rows = np.flatnonzero(etype == ET[name])
        blocks.append(_block(c[rows], ET[name], t[rows], source_system=source_codes[source]))
    return blocks


def _ghost_block(rng: np.random.Generator, ctx: Ctx, k: int) -> tuple[Block, dict[str, pa.Array]]:
    """Events of people nobody has in the CRM (bad case 'unmatched contact')."""
    V = ctx.vocab
    t = ctx.start_ts + rng.integers(0, ctx.end_ts - ctx.start_ts + 1, k)
    by_email = rng.random(k) < 0.5
    first = _take(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), k))
    last = _take(GHOST_LAST_NAMES, rng.integers(0, len(GHOST_LAST_NAMES), k))
    email = _join(
        pc.utf8_lower(first),
        ".",
        pc.utf8_lower(last),
        _int_text(rng.integers(1, 999, k)),
        "@",
        _take(GHOST_DOMAINS, rng.integers(0, len(GHOST_DOMAINS), k)),
    )
    company = _take(GHOST_COMPANIES, rng.integers(0, len(GHOST_COMPANIES), k))
    # By email: a newsletter form; by name: a badge scan at a seminar.
    block = _block(
        np.full(k, -1),
        np.where(by_email, ET["form_submission"], ET["seminar_attended"]),
        t,
        form_id=np.where(by_email, V["form_id"].codes(["newsletter_signup"])[0], -1),
        url=np.where(by_email, V["url"].codes([BASE_URL + "/newsletter"])[0], -1),
        source_system=V["source_system"].codes(["hubspot", "eventbrite"])[
            (~by_email).astype(np.int64)
        ],
    )
    identity = {
        "email": _null_where(email, ~by_email),
        "first_name": _null_where(first, by_email),
        "last_name": _null_where(last, by_email),
        "company_name": _null_where(company, by_email),
    }
    return block, identity


def _gather(pool: pa.Array, idx: np.ndarray) -> pa.Array:
    """pool[idx] with null where idx < 0."""
    return pool.take(pa.array(np.maximum(idx, 0), mask=idx < 0))


def build_events(
    rng: np.random.Generator, ctx: Ctx, p: People, blocks: list[Block]
) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    """Events table of a chunk (sorted by time) with the bad rows of the events cases.

    Also returns contact index, time and type of the clean, matched events, sorted by contact
    and time (for deals, feedback and the contacts' updated_at).
    """
    bad = ctx.bad
    n_clean = sum(len(b) for b in blocks)
    k_ghost = bad.take("events.unmatched_contact", n_clean)
    ghost, ghost_identity = _ghost_block(rng, ctx, k_ghost)
    blocks = [*blocks, ghost]
    cidx = np.concatenate([b.cidx for b in blocks])
    etype = np.concatenate([b.etype for b in blocks])
    t = np.concatenate([b.t for b in blocks])
    n = len(cidx)
    codes = {
        col: np.concatenate([b.codes.get(col, np.full(len(b), -1, np.int32)) for b in blocks])
        for col in EVENT_CODED_COLS
    }
    session = np.concatenate(
        [b.session if b.session is not None else np.zeros(len(b), np.uint64) for b in blocks]
    )
    is_ghost = np.zeros(n, bool)
    is_ghost[n - k_ghost :] = True

    perm = np.lexsort((etype, cidx, t))
    ids_sorted = ctx.next_event + np.arange(n, dtype=np.int64)
    ctx.next_event += n

    # Bad rows, picked among the sorted clean rows (disjoint sets).
    counts = {
        case: bad.take(f"events.{case}", n_clean)
        for case in (
            "duplicate_exact",
            "duplicate_other_time",
            "unknown_event_type",
            "missing_event_type",
            "missing_occurred_at",
            "unparseable_occurred_at",
            "future_occurred_at",
        )
    }
    clean_sorted = np.flatnonzero(~is_ghost[perm])
    sets = {
        case: clean_sorted[r] for case, r in _split_rows(rng, len(clean_sorted), counts).items()
    }
    # Copies sit right after their original row.
    pos = np.concatenate([np.arange(n), sets["duplicate_exact"], sets["duplicate_other_time"]])
    copy_kind = np.concatenate(
        [
            np.zeros(n, np.int8),
            np.ones(len(sets["duplicate_exact"]), np.int8),
            np.full(len(sets["duplicate_other_time"]), 2, np.int8),
        ]
    )
    order = np.argsort(pos, kind="stable")
    src_sorted, copy_kind = pos[order], copy_kind[order]
    src = perm[src_sorted]
    m = len(src)

    cidx_f, etype_f, t_f = cidx[src], etype[src], t[src]
    shifted = np.flatnonzero(copy_kind == 2)
    shift = rng.integers(60, 6 * HOUR, len(shifted))
    t_s = t_f[shifted]
    t_f[shifted] = np.where(t_s + shift <= ctx.end_ts, t_s + shift, t_s - shift)
    case_of = np.zeros(n, np.int8)  # per sorted position: mutation case code
    mutations = (
        "unknown_event_type",
        "missing_event_type",
        "missing_occurred_at",
        "unparseable_occurred_at",
        "future_occurred_at",
    )
    for code, case in enumerate(mutations, start=1):
        case_of[sets[case]] = code
    mut = np.where(copy_kind == 0, case_of[src_sorted], 0)

    # event_type: a little typing noise ('PAGE_VIEW', ' Page_View '), then the bad values.
    names = [e[0] for e in EVENT_CATALOG]
    pool = _pool(
        [v for name in names for v in (name, name.upper(), f" {name.title()} ")]
        + list(UNKNOWN_EVENT_TYPES)
    )
    u = rng.random(m)
    type_idx = etype_f.astype(np.int64) * 3 + np.select([u < 0.012, u < 0.024], [1, 2], 0)
    unknown = mut == 1
    type_idx[unknown] = 3 * len(names) + rng.integers(0, len(UNKNOWN_EVENT_TYPES), unknown.sum())
    type_idx[mut == 2] = -1

    # occurred_at: Segment (product events) writes ISO 8601, a few other rows too.
    future = mut == 5
    t_f[future] = ctx.end_ts + rng.integers(30 * DAY, 400 * DAY, future.sum())
    iso = (etype_f >= ET["product_signup"]) | (rng.random(m) < 0.02)
    occurred = fmt_ts(t_f, iso)
    broken = (mut == 3) | (mut == 4)
    if broken.any():
        values = _take(
            UNPARSEABLE_TIMESTAMPS, rng.integers(0, len(UNPARSEABLE_TIMESTAMPS), broken.sum())
        )
        values = _null_where(values, mut[broken] == 3)
        occurred = pc.replace_with_mask(occurred, pa.array(broken), values)

    # Identity: ~85% contact_id, ~10% email only, ~5% first + last + company only.
    ghost_f = cidx_f < 0
    cl = np.maximum(cidx_f, 0)
    u = rng.random(m)
    product = etype_f >= ET["product_signup"]  # Segment knows the user id
    by_email = (u < 0.105) & p.email_ok[cl] & ~ghost_f & ~product
    by_name = (u >= 0.105) & (u < 0.16) & p.name_ok[cl] & ~ghost_f & ~product
    by_id = ~ghost_f & ~by_email & ~by_name
    # Contact-id rows of email tools carry the address too.
    email_too = by_id & IS_EMAIL_CHANNEL[etype_f] & p.email_ok[cl] & (rng.random(m) < 0.5)
    ghost_rows = np.flatnonzero(ghost_f)
    ghost_pos = src[ghost_rows] - (n - k_ghost)  # position in the ghost block

    def identity_column(rows_mask: np.ndarray, values: pa.Array, col: str) -> pa.Array:
        """values (one per row of rows_mask), ghost identities, null elsewhere."""
        idx = np.full(m, -1, np.int64)
        idx[rows_mask] = np.arange(rows_mask.sum())
        idx[ghost_rows] = len(values) + ghost_pos
        return _gather(pa.concat_arrays([values, ghost_identity[col]]), idx)

    email_rows = by_email | email_too
    email = p.email.take(pa.array(cl[email_rows]))
    # Addresses typed into forms: upper case, padded, capitalised now and then.
    v = np.where(by_email[email_rows], rng.random(email_rows.sum()), 1.0)
    email = _where(
        v < 0.07,
        pc.utf8_upper(email),
        _where(v < 0.12, _join("  ", email, " "), _where(v < 0.15, pc.utf8_title(email), email)),
    )
    name_idx = pa.array(cl[by_name])
    table = pa.table(
        {
            "event_id": fmt_ids("E", ids_sorted[src_sorted], 10),
            "contact_id": _gather(p.ids, np.where(by_id, cl, -1)),
            "email": identity_column(email_rows, email, "email"),
            "first_name": identity_column(by_name, p.first.take(name_idx), "first_name"),
            "last_name": identity_column(by_name, p.last.take(name_idx), "last_name"),
            "company_name": identity_column(by_name, p.company.take(name_idx), "company_name"),
            "event_type": _gather(pool, type_idx),
            "occurred_at": occurred,
            **{col: ctx.vocab[col].decode(codes[col][src]) for col in EVENT_CODED_COLS[:4]},
            "session_id": fmt_hex(session[src], valid=session[src] != 0),
            **{col: ctx.vocab[col].decode(codes[col][src]) for col in EVENT_CODED_COLS[4:]},
        },
        schema=SCHEMAS["events"],
    )

    # Clean matched events by contact and time (stable sort keeps the time order).
    keep = perm[~is_ghost[perm]]
    by_contact = keep[np.argsort(cidx[keep], kind="stable")]
    return table, cidx[by_contact], t[by_contact], etype[by_contact]


# --------------------------------------------------------------------------------------------
# Deals, sales feedback, properties, contacts, truth
# --------------------------------------------------------------------------------------------


def _activity_index(
    p: People, ev_c: np.ndarray, ev_t: np.ndarray, ev_type: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per contact: number of activities, offset into their times, and last activity time.

    ev_* are sorted by contact and time.
    """
    act = IS_ACTIVITY[ev_type]
    ac, at = ev_c[act], ev_t[act]
    count = np.bincount(ac, minlength=p.n)
    off = _offsets(count)
    last = np.full(p.n, -1, np.int64)
    active = count > 0
    last[active] = at[off[active] + count[active] - 1]
    return count, off, at, last


def gen_deals(
    rng: np.random.Generator,
    ctx: Ctx,
    p: People,
    count: np.ndarray,
    off: np.ndarray,
    at: np.ndarray,
) -> tuple[pa.Table, np.ndarray]:
    end = ctx.end_ts
    x = p.intent * p.fit
    eligible = (count > 0) & ~p.is_special
    has_deal = eligible & (rng.random(p.n) < np.clip(DEAL_P0 + DEAL_P1 * x**1.5, 0, 0.9))
    c = np.flatnonzero(has_deal)
    # A deal opens days after an activity of the contact (its first engaged third, mostly).
    k = count[c]
    pick = off[c] + np.minimum((k * rng.beta(1.2, 2.5, len(c))).astype(np.int64), k - 1)
    created = _lag(rng, at[pick], HOUR, 7 * DAY, end)
    duration = 5 * DAY + rng.gamma(2.0, 10 * DAY, len(c)).astype(np.int64)
    closed_at = created + duration
    closed = (closed_at <= end) & (rng.random(len(c)) < 0.92)
    won = closed & (rng.random(len(c)) < np.clip(WON_P0 + WON_P1 * x[c], 0, 0.95))
    stage = np.where(won, 1, np.where(closed, 2, 0))
    base = 6000 * (np.maximum(p.employees[c], 5) / 50) ** 0.35
    amount = np.clip(np.round(rng.lognormal(np.log(base), 0.6) / 100) * 100, 1500, 750_000)
    # Expansion: a share of won customers open a second deal later.
    exp = np.flatnonzero(won & (rng.random(len(c)) < 0.08))
    exp_created = closed_at[exp] + rng.integers(7 * DAY, 120 * DAY, len(exp))
    exp = exp[exp_created <= end]
    exp_created = exp_created[exp_created <= end]
    c_all = np.concatenate([c, c[exp]])
    created_all = np.concatenate([created, exp_created])
    stage_all = np.concatenate([stage, np.zeros(len(exp), np.int64)])
    amount_all = np.concatenate(
        [amount, np.round(amount[exp] * rng.uniform(0.2, 0.8, len(exp)), -2)]
    )
    closed_all = np.concatenate([closed_at, np.zeros(len(exp), np.int64)])
    order = np.lexsort((created_all, c_all))
    c_all, created_all, stage_all = c_all[order], created_all[order], stage_all[order]
    amount_all, closed_all = amount_all[order], closed_all[order]
    n = len(c_all)
    converted = np.zeros(p.n, bool)
    converted[c_all[stage_all == 1]] = True

    counts = {
        case: ctx.bad.take(f"deals.{case}", n)
        for case in ("negative_amount", "missing_stage", "duplicate_id", "unknown_contact")
    }
    sets = _split_rows(rng, n, counts)
    amount_all[sets["negative_amount"]] *= -1
    ids = ctx.next_deal + np.arange(n, dtype=np.int64)
    ctx.next_deal += n
    stage_txt = _null_where(
        _take(("open", "closed_won", "closed_lost"), stage_all),
        np.isin(np.arange(n), sets["missing_stage"]),
    )
    table = pa.table(
        {
            "deal_id": fmt_ids("D", ids, 8),
            "contact_id": p.ids.take(pa.array(c_all)),
            "stage": stage_txt,
            "amount": pa.array(amount_all, pa.float64()),
            "created_at": fmt_ts(created_all),
            "closed_at": _null_where(fmt_ts(np.maximum(closed_all, 0)), stage_all == 0),
        },
        schema=SCHEMAS["deals"],
    )
    extra = []
    if len(sets["duplicate_id"]):  # re-synced copy with an updated amount
        dup = table.take(pa.array(sets["duplicate_id"]))
        new_amount = pc.round(pc.multiply(dup["amount"], 1.1), -2)
        extra.append(dup.set_column(3, "amount", new_amount))
    if len(sets["unknown_contact"]):
        k = len(sets["unknown_contact"])
        unk = table.take(pa.array(sets["unknown_contact"]))
        unk = unk.set_column(0, "deal_id", fmt_ids("D", ctx.next_deal + np.arange(k), 8))
        ctx.next_deal += k
        extra.append(unk.set_column(1, "contact_id", _unknown_contact_ids(rng, k)))
    return pa.concat_tables([table, *extra]), converted


def gen_feedback(
    rng: np.random.Generator,
    ctx: Ctx,
    p: People,
    count: np.ndarray,
    off: np.ndarray,
    at: np.ndarray,
) -> pa.Table:
    eligible = count > 0
    w = (0.5 + (p.owner >= 0)) * (0.3 + p.intent + 0.5 * (1 - p.fit)) * eligible
    prob = np.clip(0.05 * p.n * w / max(w.sum(), 1e-9), 0, 0.9)
    c = np.flatnonzero(rng.random(p.n) < prob)
    i, f = p.intent[c], p.fit[c]
    value = np.where(f < 0.25, 2, np.where((i > 0.45) & (f >= 0.4), 0, 1))
    noise = rng.random(len(c)) < 0.1
    value[noise] = rng.integers(0, 3, noise.sum())
    n_reasons = np.array([len(r) for r in FEEDBACK_REASONS])
    reason_i = _offsets(n_reasons)[value] + (rng.random(len(c)) * n_reasons[value]).astype(np.int64)
    reason = _null_where(
        _take([r for rs in FEEDBACK_REASONS for r in rs], reason_i), rng.random(len(c)) < 0.15
    )
    rep = np.where(p.owner[c] >= 0, p.owner[c], rng.integers(0, len(REPS), len(c)))
    pick = _pick_within(rng, off[c], count[c])
    created = _lag(rng, at[pick], HOUR // 2, 7 * DAY, ctx.end_ts)
    n = len(c)
    counts = {
        case: ctx.bad.take(f"sales_feedback.{case}", n)
        for case in ("unknown_feedback", "unknown_contact")
    }
    sets = _split_rows(rng, n, counts)
    feedback = _take(FEEDBACK_VALUES, value)
    mask = np.isin(np.arange(n), sets["unknown_feedback"])
    feedback = _where(
        mask, _take(UNKNOWN_FEEDBACK, rng.integers(0, len(UNKNOWN_FEEDBACK), n)), feedback
    )
    ids = ctx.next_feedback + np.arange(n, dtype=np.int64)
    ctx.next_feedback += n
    table = pa.table(
        {
            "feedback_id": fmt_ids("F", ids, 8),
            "contact_id": p.ids.take(pa.array(c)),
            "feedback": feedback,
            "reason": reason,
            "rep_id": _take(REPS, rep),
            "created_at": fmt_ts(created),
        },
        schema=SCHEMAS["sales_feedback"],
    )
    if len(sets["unknown_contact"]):
        k = len(sets["unknown_contact"])
        unk = table.take(pa.array(sets["unknown_contact"]))
        unk = unk.set_column(0, "feedback_id", fmt_ids("F", ctx.next_feedback + np.arange(k), 8))
        ctx.next_feedback += k
        table = pa.concat_tables(
            [table, unk.set_column(1, "contact_id", _unknown_contact_ids(rng, k))]
        )
    return table


def gen_properties(rng: np.random.Generator, ctx: Ctx, p: People) -> pa.Table:
    parts = []
    n = p.n
    specs = (
        ("persona", 0.55),
        ("tech_stack", 0.40),
        ("budget_confirmed", 0.15),
        ("product_interest", 0.35),
    )
    for order, (prop, share) in enumerate(specs):
        c = np.flatnonzero(rng.random(n) < share)
        if prop == "persona":
            value = _take(PERSONAS, _pick_rows(rng, PERSONA_BY_LEVEL[p.level[c]]))
        elif prop == "tech_stack":
            value = _take(TECH_STACKS, _pick(rng, len(c), [5, 4, 2, 1, 1, 1, 1, 1]))
        elif prop == "budget_confirmed":
            yes = rng.random(len(c)) < 0.1 + 0.8 * p.intent[c] * p.fit[c]
            value = _take(("false", "true"), yes)
        else:
            value = _take(PRODUCT_INTERESTS, rng.integers(0, len(PRODUCT_INTERESTS), len(c)))
        updated = p.created[c] + ((ctx.end_ts - p.created[c]) * rng.random(len(c))).astype(np.int64)
        parts.append((c, np.full(len(c), order), value, updated))
    c = np.concatenate([x[0] for x in parts])
    order = np.lexsort((np.concatenate([x[1] for x in parts]), c))
    prop_names = _take([s[0] for s in specs], np.concatenate([x[1] for x in parts])[order])
    value = pa.concat_arrays([x[2] for x in parts]).take(pa.array(order))
    updated = np.concatenate([x[3] for x in parts])[order]
    c = c[order]
    m = len(c)
    counts = {
        case: ctx.bad.take(f"contact_properties.{case}", m)
        for case in ("missing_property", "unknown_contact")
    }
    sets = _split_rows(rng, m, counts)
    table = pa.table(
        {
            "contact_id": p.ids.take(pa.array(c)),
            "property": _null_where(prop_names, np.isin(np.arange(m), sets["missing_property"])),
            "value": value,
            "updated_at": fmt_ts(updated),
        },
        schema=SCHEMAS["contact_properties"],
    )
    if len(sets["unknown_contact"]):
        unk = table.take(pa.array(sets["unknown_contact"]))
        table = pa.concat_tables(
            [
                table,
                unk.set_column(
                    0, "contact_id", _unknown_contact_ids(rng, len(sets["unknown_contact"]))
                ),
            ]
        )
    return table


def build_contacts(
    rng: np.random.Generator,
    ctx: Ctx,
    p: People,
    last_activity: np.ndarray,
    unsubscribed: np.ndarray,
) -> pa.Table:
    n, end = p.n, ctx.end_ts
    # The CRM record changes when the contact is active (form fills, syncs).
    updated = np.where(
        last_activity >= p.created,
        _lag(rng, last_activity, 0, DAY, end),
        p.created + (rng.random(n) * 0.3 * (end - p.created)).astype(np.int64),
    )
    updated = np.clip(updated, p.created, end)
    dup = p.bad_rows["duplicate_id"]
    updated[dup] = np.maximum(np.minimum(updated[dup], end - DAY), p.created[dup])
    opt_out = unsubscribed | (rng.random(n) < 0.015)
    missing_created = np.isin(np.arange(n), p.bad_rows["missing_created_at"])
    created_txt = _null_where(fmt_ts(p.created, rng.random(n) < 0.02), missing_created)
    table = pa.table(
        {
            **p.cols,
            "email_opt_out": pa.array(opt_out, pa.bool_()),
            "created_at": created_txt,
            "updated_at": fmt_ts(updated, rng.random(n) < 0.02),
        },
        schema=SCHEMAS["contacts"],
    )
    if len(dup):
        # A second copy, updated later (e.g. the contact changed job title).
        copy = table.take(pa.array(dup))
        later = updated[dup] + 1 + ((end - updated[dup]) * rng.random(len(dup))).astype(np.int64)
        copy = copy.set_column(17, "updated_at", fmt_ts(later))
        new_title = _take(
            [t[0] for t in TITLES if t[0]], rng.integers(0, len(TITLES) - 1, len(dup))
        )
        changed = rng.random(len(dup)) < 0.5
        copy = copy.set_column(
            6, "job_title", _where(changed, new_title, copy["job_title"].combine_chunks())
        )
        table = pa.concat_tables([table, copy])
    return table


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


class Sink:
    """One output file, written chunk by chunk (Parquet row groups or CSV batches)."""

    def __init__(self, out: Path, table: str, fmt: str) -> None:
        self.path = out / f"{table}.{fmt}"
        self.schema = SCHEMAS[table]
        self.rows = 0
        self.seconds = 0.0
        if fmt == "parquet":
            self.writer: pq.ParquetWriter | pacsv.CSVWriter = pq.ParquetWriter(
                self.path,
                self.schema,
                compression="zstd",
                compression_level=3,
                use_dictionary=DICT_COLUMNS[table],
                write_statistics=True,
            )
        else:
            self.writer = pacsv.CSVWriter(self.path, self.schema)

    def write(self, table: pa.Table) -> None:
        started = time.perf_counter()
        self.writer.write_table(table.cast(self.schema))
        self.rows += table.num_rows
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        self.writer.close()


TABLES = ("contacts", "contact_properties", "events", "deals", "sales_feedback", "contact_truth")


def generate(ctx: Ctx, out: Path, fmt: str) -> dict[str, Sink]:
    """Writes the tables into a hidden folder inside `out`, then moves them into place.

    A run killed mid-way leaves no truncated (yet readable) file where the build or demo.sh
    would take it for data: events, the file demo.sh checks for, goes away first and comes last.
    A second run into the same folder waits for the first (a lock file beside the folder, so the
    folder holds data files only; released when its holder ends, killed or not), so neither
    removes the other's hidden folder.
    """
    out.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.generate.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another run is generating into {out}; waiting for it", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        return generate_locked(ctx, out, fmt)


def generate_locked(ctx: Ctx, out: Path, fmt: str) -> dict[str, Sink]:
    for stale in out.glob(".generating-*"):  # left by a killed run
        shutil.rmtree(stale)
    staging = Path(tempfile.mkdtemp(prefix=".generating-", dir=out))
    try:
        sinks = write_tables(ctx, staging, fmt)
        for sink in sinks.values():  # on disk before the old files go (a power cut included)
            with open(sink.path, "rb") as file:
                os.fsync(file.fileno())
        # the old files go, events first (in either format: none of the other format stays)
        for name in sorted(TABLES, key=lambda name: name != "events"):
            for extension in ("parquet", "csv"):
                (out / f"{name}.{extension}").unlink(missing_ok=True)
        for name in sorted(TABLES, key=lambda name: name == "events"):
            sink = sinks[name]
            sink.path = sink.path.replace(out / sink.path.name)
        fsync_dir(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sinks


def write_tables(ctx: Ctx, out: Path, fmt: str) -> dict[str, Sink]:
    sinks = {name: Sink(out, name, fmt) for name in TABLES}
    # One writer thread: chunk k is written (compression releases the GIL) while chunk k + 1 is
    # generated. Waiting for chunk k before submitting chunk k + 1 bounds memory to ~2 chunks;
    # one thread keeps the row order, so the files stay byte-identical.
    writer = ThreadPoolExecutor(max_workers=1)
    pending: list[Future] = []

    def submit(name: str, table: pa.Table) -> None:
        pending.append(writer.submit(sinks[name].write, table))

    try:
        for chunk, start in enumerate(range(0, ctx.contacts, ctx.chunk_contacts)):
            n = min(ctx.chunk_contacts, ctx.contacts - start)
            rng = np.random.default_rng([ctx.seed, chunk])
            clock = Stopwatch(sinks)
            people = gen_people(rng, ctx, chunk, start, n)
            clock.lap("contacts")
            blocks = gen_events(rng, ctx, people)
            events, ev_c, ev_t, ev_type = build_events(rng, ctx, people, blocks)
            del blocks
            clock.lap("events")
            for future in pending:  # the previous chunk is written: hand over this one
                future.result()
            pending.clear()
            submit("events", events)
            del events
            clock.lap(None)
            count, off, at, last = _activity_index(people, ev_c, ev_t, ev_type)
            unsub = np.zeros(n, bool)
            unsub[ev_c[ev_type == ET["email_unsubscribe"]]] = True
            del ev_c, ev_t, ev_type
            deals, converted = gen_deals(rng, ctx, people, count, off, at)
            clock.lap("deals")
            feedback = gen_feedback(rng, ctx, people, count, off, at)
            clock.lap("sales_feedback")
            props = gen_properties(rng, ctx, people)
            clock.lap("contact_properties")
            contacts = build_contacts(rng, ctx, people, last, unsub)
            clock.lap("contacts")
            truth = pa.table(
                {
                    "contact_id": people.ids,
                    "intent": np.round(people.intent, 6),
                    "fit": np.round(people.fit, 6),
                    "converted": converted,
                },
                schema=SCHEMAS["contact_truth"],
            )
            clock.lap("contact_truth")
            for name, table in (
                ("contacts", contacts),
                ("contact_properties", props),
                ("deals", deals),
                ("sales_feedback", feedback),
                ("contact_truth", truth),
            ):
                submit(name, table)
        for future in pending:
            future.result()
    finally:
        writer.shutdown(wait=True)
        for sink in sinks.values():
            sink.close()
    return sinks


class Stopwatch:
    """Adds the time since the previous lap to a sink's generation time."""

    def __init__(self, sinks: dict[str, Sink]) -> None:
        self.sinks = sinks
        self.last = time.perf_counter()

    def lap(self, name: str | None) -> None:
        now = time.perf_counter()
        if name is not None:
            self.sinks[name].seconds += now - self.last
        self.last = now


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=2000, help="number of contacts")
    parser.add_argument(
        "--events-per-contact",
        type=float,
        default=20.0,
        help="mean events per contact (total events ~ contacts * this)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=None,
        help="last day of the history, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--days", type=int, default=365, help="length of the history in days")
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="output directory")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument(
        "--chunk-contacts",
        type=int,
        default=100_000,
        help="contacts generated and written per chunk (bounds memory)",
    )
    parser.add_argument(
        "--bad-share", type=float, default=0.01, help="share of bad rows injected per bad case"
    )
    parser.add_argument("--no-bad", action="store_true", help="write clean data only")
    args = parser.parse_args(argv)
    if args.contacts < 1 or args.days < 1 or args.chunk_contacts < 1:
        parser.error("--contacts, --days and --chunk-contacts must be positive")
    if args.events_per_contact < 0:
        parser.error("--events-per-contact must not be negative")
    if not 0 <= args.bad_share <= 0.1:
        parser.error("--bad-share must be between 0 and 0.1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    end_date = args.end_date or dt.datetime.now(dt.UTC).date()
    end_excl = int(
        dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC).timestamp()
    )
    ctx = Ctx(
        seed=args.seed,
        contacts=args.contacts,
        events_per_contact=args.events_per_contact,
        start_ts=end_excl - args.days * DAY,
        end_ts=end_excl - 1,
        chunk_contacts=args.chunk_contacts,
        bad=BadBudget(0.0 if args.no_bad else args.bad_share),
    )
    started = time.perf_counter()
    sinks = generate(ctx, args.out, args.format)
    for sink in sinks.values():
        size = sink.path.stat().st_size / 1e6
        print(f"{sink.path}: {sink.rows:,} rows, {sink.seconds:.2f} s, {size:.1f} MB")
    print(
        f"total: {time.perf_counter() - started:.2f} s (history "
        f"{dt.date.fromordinal(end_date.toordinal() - args.days + 1)} .. {end_date})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
