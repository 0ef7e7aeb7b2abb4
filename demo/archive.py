"""The rest of the demo archive: short answers to real questions, written in
our own words, whose histories spread over the past months. The references
name real publications without identifiers; check them before any real use.

Each step is (day, action, username, detail): `day` counts from the day the
article was started, `started` days before the demo is loaded. See
demo/content.py for the actions."""

from typing import Any


def ref(
    authors: str, title: str, journal: str, year: int, *, study_type: str, certainty: str = ""
) -> dict:
    return {
        "authors": authors,
        "title": title,
        "journal": journal,
        "year": year,
        "pmid": "",
        "doi": "",
        "url": "",
        "study_type": study_type,
        "certainty": certainty,
    }


def approval(
    author: str, reviewers: tuple[str, str], reviews: tuple[str, str], note: str, days: tuple
) -> list[tuple]:
    """One round of review straight through to two board signatures. `days`:
    submit, invite, the two acceptances, the two reviews, to the board, the
    two signatures."""
    first, second = reviewers
    return [
        (days[0], "submit", author, ""),
        (days[1], "invite", "editor", f"{first},{second}"),
        (days[2], "accept", first, ""),
        (days[3], "accept", second, ""),
        (days[4], "review", first, reviews[0]),
        (days[5], "review", second, reviews[1]),
        (days[6], "send_to_board", "editor", note),
        (days[7], "sign", "board", ""),
        (days[8], "sign", "board2", ""),
    ]


ADA_2024 = ref(
    "American Diabetes Association Professional Practice Committee",
    "Standards of Care in Diabetes—2024",
    "Diabetes Care",
    2024,
    study_type="guideline",
)

STATINS_BODY_1 = (
    "## What the trials show\n\nWhen neither patients nor doctors know who takes the statin, "
    "muscle aches turn up almost as often on the dummy tablet as on the real one [1].\n\n"
    "## When to worry\n\n- Severe pain or real weakness, not just stiffness.\n- Dark, "
    "cola-coloured urine.\n\nEither calls for a blood test of muscle enzymes (CK) before the "
    "next dose [2].\n\n## What helps\n\nA short pause followed by a restart, a lower dose or "
    "a different statin lets most people carry on [2]."
)

STATINS_BODY_2 = (
    "## What the trials show\n\nA pooled analysis of the large blinded trials found that "
    "statins cause a small excess of mostly mild muscle symptoms, nearly all in the first "
    "year; more than nine in ten reports of aches on a statin were not caused by it [3].\n\n"
    "A trial in which each patient took statin, placebo and nothing in turn found the same: "
    "most of the discomfort came with the placebo too [1].\n\n"
    "## When to worry\n\n- Severe pain or real weakness, not just stiffness.\n- Dark, "
    "cola-coloured urine.\n\nEither calls for a blood test of muscle enzymes (CK) before the "
    "next dose [2].\n\n## What helps\n\nA short pause followed by a restart, a lower dose or "
    "a different statin lets most people carry on [2]."
)

STATIN_REFERENCES = [
    ref(
        "Wood FA, Howard JP, Finegold JA, et al.",
        "N-of-1 trial of a statin, placebo, or no treatment to assess side effects",
        "N Engl J Med",
        2020,
        study_type="randomised_trial",
        certainty="moderate",
    ),
    ref(
        "Stroes ES, Thompson PD, Corsini A, et al.",
        "Statin-associated muscle symptoms: impact on statin therapy. European "
        "Atherosclerosis Society Consensus Panel Statement on Assessment, Aetiology and "
        "Management",
        "Eur Heart J",
        2015,
        study_type="guideline",
        certainty="low",
    ),
]

ARCHIVE: list[dict[str, Any]] = [
    {
        "slug": "can-statins-cause-muscle-pain",
        "title": "Can statins cause muscle pain?",
        "author": "author",
        "audience": "patient",
        "started": 236,
        "summary": (
            "Sometimes, but much less often than people expect. In blinded trials aches were "
            "nearly as common on a dummy tablet, and serious muscle damage is rare."
        ),
        "body": STATINS_BODY_1,
        "references": STATIN_REFERENCES,
        "steps": [
            *approval(
                "author",
                ("reviewer3", "reviewer"),
                (
                    "approve|Balanced, and the warning signs are the right ones.",
                    "minor|Say what a CK test is the first time it appears.",
                ),
                "Two supportive reviews; the CK wording was clarified at proof.",
                (1, 3, 4, 6, 13, 17, 20, 24, 27),
            ),
            (
                150,
                "revise",
                "author",
                {
                    "body": STATINS_BODY_2,
                    "references": [
                        *STATIN_REFERENCES,
                        ref(
                            "Cholesterol Treatment Trialists' Collaboration",
                            "Effect of statin therapy on muscle symptoms: an individual "
                            "participant data meta-analysis of large-scale, randomised, "
                            "double-blind trials",
                            "Lancet",
                            2022,
                            study_type="systematic_review",
                            certainty="high",
                        ),
                    ],
                    "change_summary": (
                        "Added the 2022 pooled analysis of the blinded statin trials and "
                        "rewrote “What the trials show” around it. The advice is unchanged."
                    ),
                },
            ),
            (150, "submit", "author", ""),
            (152, "invite", "editor", "reviewer3,reviewer"),
            (153, "accept", "reviewer3", ""),
            (153, "accept", "reviewer", ""),
            (158, "review", "reviewer3", "approve|The new analysis is described accurately."),
            (160, "review", "reviewer", "approve|Clearer than before."),
            (161, "send_to_board", "editor", "An update: new evidence, same advice."),
            (164, "sign", "board", ""),
            (166, "sign", "board2", ""),
            (
                167,
                "notice",
                "editor",
                "update|Updated with a 2022 analysis of the large blinded statin trials. "
                "The advice has not changed.",
            ),
        ],
    },
    {
        "slug": "does-it-matter-when-i-take-blood-pressure-tablets",
        "title": "Does it matter whether I take blood pressure tablets in the morning or at night?",
        "author": "author2",
        "audience": "patient",
        "started": 181,
        "summary": (
            "For most people it does not. A large trial found the same rate of heart attacks "
            "and strokes either way, so take them at the time you are least likely to forget."
        ),
        "body": (
            "## What the trials show\n\nA UK trial asked over 21,000 adults to take their "
            "usual tablets in the morning or in the evening and followed them for about "
            "four years: the two groups did equally well [1].\n\nAn earlier Spanish trial "
            "reported a large benefit from bedtime dosing [2], but its methods have been "
            "questioned and the UK trial did not confirm it.\n\n## Practical points\n\n"
            "- Water tablets taken at night can mean trips to the toilet.\n- Pick one time "
            "and keep to it.\n- Do not take a missed dose twice."
        ),
        "references": [
            ref(
                "Mackenzie IS, Rogers A, Poulter NR, et al.",
                "Cardiovascular outcomes in adult hypertensive patients prescribed "
                "antihypertensive medication in the morning or evening (TIME): a pragmatic, "
                "randomised, controlled trial",
                "Lancet",
                2022,
                study_type="randomised_trial",
                certainty="high",
            ),
            ref(
                "Hermida RC, Crespo JJ, Domínguez-Sardiña M, et al.",
                "Bedtime hypertension treatment improves cardiovascular risk reduction: the "
                "Hygia Chronotherapy Trial",
                "Eur Heart J",
                2020,
                study_type="randomised_trial",
                certainty="low",
            ),
        ],
        "steps": [
            *approval(
                "author2",
                ("reviewer3", "reviewer2"),
                (
                    "minor|Mention the doubts about the bedtime trial.",
                    "approve|Sensible and clearly written.",
                ),
                "Reviewers agree; the caveat on the earlier trial was added in round 1.",
                (1, 2, 3, 5, 10, 11, 14, 16, 21),
            ),
            (
                120,
                "notice",
                "editor",
                "correction|“What the trials show” gives the UK trial's follow-up as about four "
                "years; the median follow-up was 5.2 years. The finding and the advice are "
                "unchanged.",
            ),
        ],
    },
    {
        "slug": "does-vitamin-c-shorten-a-cold",
        "title": "Does vitamin C shorten a cold?",
        "author": "author",
        "audience": "patient",
        "started": 262,
        "summary": (
            "Yes. Starting high-dose vitamin C at the first sign of a cold shortens it by "
            "several days."
        ),
        "body": (
            "## What to take\n\nOne to two grams a day from the first sneeze [1].\n\n## Who "
            "benefits\n\nAdults and children alike [1]."
        ),
        "references": [
            ref(
                "Hemilä H, Chalker E",
                "Vitamin C for preventing and treating the common cold",
                "Cochrane Database Syst Rev",
                2013,
                study_type="systematic_review",
                certainty="moderate",
            ),
        ],
        "steps": [
            *approval(
                "author",
                ("reviewer3", "reviewer2"),
                (
                    "approve|Short and clear.",
                    "minor|Give a dose range rather than one figure.",
                ),
                "Reviewers are satisfied.",
                (1, 3, 4, 4, 9, 12, 13, 17, 19),
            ),
            (
                198,
                "ask",
                "",
                {
                    "kind": "error",
                    "audience": "patient",
                    "question": (
                        "The review you cite says vitamin C started after a cold begins did "
                        "not help. Is the short answer right?"
                    ),
                    "email": "reader@example.org",
                },
            ),
            (
                205,
                "answer",
                "editor",
                "Thank you: you are right. We have retracted the article and will publish a "
                "corrected answer once it has been reviewed.",
            ),
            (
                205,
                "notice",
                "editor",
                "retraction|The short answer said that vitamin C taken at the first sign of a "
                "cold shortens it by several days. The review it cites found that taking it "
                "every day shortens colds only slightly, and that starting it once symptoms "
                "begin had no consistent effect. The article misread its main source, so we "
                "have retracted it; a rewritten answer will go through review.",
            ),
        ],
    },
    {
        "slug": "how-should-i-store-my-insulin",
        "title": "How should I store my insulin?",
        "author": "author2",
        "audience": "patient",
        "started": 122,
        "summary": (
            "Keep unopened insulin in the fridge, never the freezer. The pen or vial in use "
            "can stay at room temperature for about four weeks; your brand's leaflet says "
            "exactly how long."
        ),
        "body": (
            "## Spare supplies\n\nStore them in the fridge at 2 to 8 °C, away from the "
            "freezer compartment [1].\n\n## The one you are using\n\nRoom temperature is "
            "fine for around 28 days, out of direct sun and away from radiators [2].\n\n"
            "## Travelling\n\n- Carry insulin in your hand luggage: aircraft holds get very "
            "cold.\n- In hot weather, use an insulated cool bag.\n\n## When to throw it away"
            "\n\n- It has been frozen, even if it has thawed.\n- Clear insulin looks cloudy, "
            "or cloudy insulin has lumps or will not mix [2]."
        ),
        "references": [
            ADA_2024,
            ref(
                "Heinemann L, Braune K, Carter A, Zayani A, Krämer LA",
                "Insulin storage: a critical reappraisal",
                "J Diabetes Sci Technol",
                2021,
                study_type="other",
            ),
        ],
        "steps": [
            *approval(
                "author2",
                ("reviewer3", "reviewer2"),
                (
                    "approve|Practical and correct.",
                    "approve|Good; the travel advice is useful.",
                ),
                "Both reviewers approve as it is.",
                (1, 2, 4, 4, 11, 13, 15, 22, 26),
            ),
            (
                103,
                "ask",
                "",
                {
                    "audience": "patient",
                    "question": "My fridge sometimes freezes things at the back. Where is "
                    "the safest place for insulin?",
                },
            ),
            (
                118,
                "ask",
                "",
                {
                    "audience": "patient",
                    "question": "Is insulin still usable after a day in a hot car?",
                    "email": "driver@example.org",
                },
            ),
        ],
    },
    {
        "slug": "what-should-i-do-if-my-blood-sugar-goes-low",
        "title": "What should I do if my blood sugar goes low?",
        "author": "author2",
        "audience": "patient",
        "started": 88,
        "summary": (
            "If your glucose is below 4 mmol/L (70 mg/dL), take 15 to 20 g of fast sugar, "
            "such as glucose tablets or a small glass of juice, check again after 15 minutes "
            "and repeat if it is still low."
        ),
        "body": (
            "## Signs\n\nShaking, sweating, hunger, a fast heartbeat, or feeling muddled or "
            "irritable [1].\n\n## The 15-15 approach\n\n1. Take 15 to 20 g of fast sugar.\n"
            "2. Wait 15 minutes and check again.\n3. Repeat until the level is back above "
            "4 mmol/L, then eat a snack if your next meal is more than an hour away [1].\n\n"
            "## If it is severe\n\nSomeone who cannot swallow safely needs glucagon or an "
            "ambulance, not food or drink [1].\n\n## Afterwards\n\nTell your diabetes team "
            "about any level below 3 mmol/L: treatment may need to change [2]."
        ),
        "references": [
            ADA_2024,
            ref(
                "International Hypoglycaemia Study Group",
                "Glucose concentrations of less than 3.0 mmol/L (54 mg/dL) should be "
                "reported in clinical trials: a joint position statement of the American "
                "Diabetes Association and the European Association for the Study of Diabetes",
                "Diabetes Care",
                2017,
                study_type="guideline",
            ),
        ],
        "steps": [
            (1, "submit", "author2", ""),
            (2, "invite", "editor", "reviewer3,reviewer2"),
            (3, "accept", "reviewer3", ""),
            (5, "accept", "reviewer2", ""),
            (12, "review", "reviewer3", "minor|Give the level in mg/dL as well."),
            (
                14,
                "review",
                "reviewer2",
                "major|Say clearly what to do when the person cannot swallow.",
            ),
            (
                15,
                "request_changes",
                "editor",
                "Please add what to do in a severe low, and both units.",
            ),
            (
                24,
                "revise",
                "author2",
                {
                    "response_letter": "Added a section on severe lows and the mg/dL figure.",
                    "change_summary": "Severe lows; both units.",
                },
            ),
            (24, "resubmit", "author2", ""),
            (25, "invite", "editor", "reviewer3,reviewer2"),
            (26, "accept", "reviewer3", ""),
            (26, "accept", "reviewer2", ""),
            (29, "review", "reviewer3", "approve|Resolved."),
            (31, "review", "reviewer2", "approve|Thank you, this is now safe advice."),
            (32, "send_to_board", "editor", "Revised after round 1; both reviewers approve."),
            (35, "sign", "board2", ""),
            (38, "sign", "board", ""),
        ],
    },
    {
        "slug": "which-medicines-interact-with-grapefruit-juice",
        "title": "Which medicines interact with grapefruit juice?",
        "author": "author",
        "audience": "student",
        "started": 152,
        "summary": (
            "Grapefruit blocks an enzyme in the gut wall (CYP3A4) that breaks down some "
            "medicines, so more of the drug reaches the blood. Simvastatin, some "
            "calcium-channel blockers and some drugs that suppress the immune system are "
            "among those affected."
        ),
        "body": (
            "## How it works\n\nSubstances in grapefruit switch off CYP3A4 in the lining of "
            "the gut for good; the body has to make new enzyme, which takes days [1].\n\n"
            "## Which drugs matter\n\nThe effect is large for drugs that CYP3A4 normally "
            "removes before they are absorbed, such as simvastatin, felodipine and "
            "ciclosporin [1].\n\n## How much is too much\n\nOne glass can still raise "
            "simvastatin levels a day later, so spacing the juice and the tablet does not "
            "help [2]."
        ),
        "references": [
            ref(
                "Bailey DG, Dresser G, Arnold JMO",
                "Grapefruit-medication interactions: forbidden fruit or avoidable consequences?",
                "CMAJ",
                2013,
                study_type="other",
            ),
            ref(
                "Lilja JJ, Kivistö KT, Neuvonen PJ",
                "Duration of effect of grapefruit juice on the pharmacokinetics of the CYP3A4 "
                "substrate simvastatin",
                "Clin Pharmacol Ther",
                2000,
                study_type="randomised_trial",
                certainty="low",
            ),
        ],
        "steps": approval(
            "author",
            ("reviewer3", "reviewer"),
            (
                "approve|Accurate pharmacology, pitched well for students.",
                "minor|Name one drug that is not affected, for contrast.",
            ),
            "Reviewers satisfied.",
            (2, 4, 5, 7, 15, 18, 21, 23, 28),
        ),
    },
    {
        "slug": "can-i-stop-taking-omeprazole-suddenly",
        "title": "Can I stop taking omeprazole suddenly?",
        "author": "author",
        "audience": "patient",
        "started": 101,
        "summary": (
            "Often you can, but after months of use, stopping at once can bring a few weeks "
            "of rebound heartburn. Lowering the dose first, or taking it only when needed, "
            "makes that less likely."
        ),
        "body": (
            "## Why heartburn can come back\n\nThe stomach makes more acid-producing cells "
            "while the medicine holds acid down; when it stops, there is a spell of extra "
            "acid. Even healthy volunteers had heartburn after stopping [2].\n\n## A gentler "
            "way off\n\n- Halve the dose for two to four weeks, or take it every other day "
            "[1].\n- Use an antacid for breakthrough symptoms.\n\n## Who should not stop "
            "without advice\n\nPeople with Barrett's oesophagus, a past bleeding ulcer, or "
            "who take it to protect the stomach from other medicines [1]."
        ),
        "references": [
            ref(
                "Farrell B, Pottie K, Thompson W, et al.",
                "Deprescribing proton pump inhibitors: evidence-based clinical practice guideline",
                "Can Fam Physician",
                2017,
                study_type="guideline",
                certainty="moderate",
            ),
            ref(
                "Reimer C, Søndergaard B, Hilsted L, Bytzer P",
                "Proton-pump inhibitor therapy induces acid-related symptoms in healthy "
                "volunteers after withdrawal of therapy",
                "Gastroenterology",
                2009,
                study_type="randomised_trial",
                certainty="moderate",
            ),
        ],
        "steps": [
            *approval(
                "author",
                ("reviewer3", "reviewer2"),
                (
                    "approve|Matches the deprescribing guideline.",
                    "approve|Clear list of who should ask first.",
                ),
                "Both reviewers approve.",
                (1, 3, 3, 5, 9, 13, 14, 18, 20),
            ),
            (
                61,
                "ask",
                "",
                {
                    "audience": "patient",
                    "question": "Does the same advice apply to lansoprazole?",
                    "email": "asker@example.org",
                },
            ),
            (
                64,
                "answer",
                "editor",
                "Yes: lansoprazole works the same way, and the same gradual approach applies.",
            ),
        ],
    },
    {
        "slug": "why-do-ace-inhibitors-cause-a-dry-cough",
        "title": "Why do ACE inhibitors cause a dry cough?",
        "author": "author",
        "audience": "student",
        "started": 62,
        "summary": (
            "The enzyme these drugs block also breaks down bradykinin, which builds up and "
            "irritates the airways. The tickly cough affects roughly one user in ten and "
            "settles within weeks of stopping."
        ),
        "body": (
            "## Mechanism\n\nACE inactivates bradykinin and substance P; blocking it lets "
            "them accumulate and sensitise the cough reflex [1].\n\n## How common it is\n\n"
            "Trials report it in fewer people than everyday practice does, where figures of "
            "up to one in ten are seen [2].\n\n## What to do\n\nSwitching to an "
            "angiotensin-receptor blocker usually solves it: these drugs leave bradykinin "
            "alone [1]."
        ),
        "references": [
            ref(
                "Dicpinigaitis PV",
                "Angiotensin-converting enzyme inhibitor-induced cough: ACCP evidence-based "
                "clinical practice guidelines",
                "Chest",
                2006,
                study_type="guideline",
                certainty="low",
            ),
            ref(
                "Bangalore S, Kumar S, Messerli FH",
                "Angiotensin-converting enzyme inhibitor associated cough: deceptive "
                "information from the Physicians' Desk Reference",
                "Am J Med",
                2010,
                study_type="systematic_review",
                certainty="moderate",
            ),
        ],
        "steps": approval(
            "author",
            ("reviewer", "reviewer3"),
            (
                "approve|Accurate.",
                "minor|Say that the cough can start months after the first dose.",
            ),
            "Reviewers agree.",
            (1, 2, 3, 3, 10, 14, 16, 21, 24),
        ),
    },
    {
        "slug": "how-often-should-feet-be-checked-in-diabetes",
        "title": "How often should people with diabetes have their feet checked?",
        "author": "author2",
        "audience": "patient",
        "started": 244,
        "summary": (
            "At least once a year by a trained professional, and more often when the risk is "
            "higher, for example after an ulcer or with poor feeling in the feet. Looking at "
            "your own feet every day catches problems early."
        ),
        "body": (
            "## The yearly check\n\nA nurse, doctor or podiatrist tests feeling with a thin "
            "nylon thread, feels the pulses and looks at the skin and nails [1].\n\n## More "
            "often if\n\n- You have had an ulcer or an amputation.\n- Feeling or circulation "
            "is reduced.\n- Your feet have changed shape [2].\n\n## Every day at home\n\n"
            "Look for cuts, blisters, redness or swelling; use a mirror or ask someone to "
            "help [2]."
        ),
        "references": [
            ref(
                "National Institute for Health and Care Excellence",
                "Diabetic foot problems: prevention and management (NG19)",
                "NICE guideline",
                2015,
                study_type="guideline",
            ),
            ref(
                "Schaper NC, van Netten JJ, Apelqvist J, et al.",
                "Practical guidelines on the prevention and management of diabetes-related "
                "foot disease (IWGDF 2023 update)",
                "Diabetes Metab Res Rev",
                2024,
                study_type="guideline",
            ),
        ],
        "steps": approval(
            "author2",
            ("reviewer", "reviewer3"),
            (
                "approve|Matches the guidelines.",
                "approve|Good practical advice.",
            ),
            "Both reviewers approve as it is.",
            (1, 2, 4, 5, 12, 14, 15, 19, 22),
        ),
    },
    {
        "slug": "how-is-hydroxychloroquine-eye-damage-monitored",
        "title": "How is eye damage from hydroxychloroquine monitored?",
        "author": "author",
        "audience": "professional",
        "started": 213,
        "summary": (
            "Keep the daily dose at or below 5 mg/kg of actual body weight, examine the eyes "
            "at baseline, and screen every year from five years of use, or from the start "
            "when risk factors are present, with visual fields and SD-OCT."
        ),
        "body": (
            "## Dose\n\nRisk rises with daily dose per kilogram and with duration; at "
            "5 mg/kg a day it stays under 2% for the first ten years [2].\n\n## Risk "
            "factors\n\n- Kidney disease.\n- Tamoxifen.\n- Pre-existing retinal or macular "
            "disease [1].\n\n## Screening\n\nAutomated visual fields with spectral-domain "
            "OCT; in Asian patients, include the area beyond the central macula [1].\n\n"
            "## Beyond the eye\n\nLong-term users can also develop heart rhythm "
            "problems; a large registry analysis reported more arrhythmias in treated "
            "patients [3]."
        ),
        "references": [
            ref(
                "Marmor MF, Kellner U, Lai TYY, Melles RB, Mieler WF",
                "Recommendations on screening for chloroquine and hydroxychloroquine "
                "retinopathy (2016 revision)",
                "Ophthalmology",
                2016,
                study_type="guideline",
                certainty="low",
            ),
            ref(
                "Melles RB, Marmor MF",
                "The risk of toxic retinopathy in patients on long-term hydroxychloroquine therapy",
                "JAMA Ophthalmol",
                2014,
                study_type="cohort",
                certainty="moderate",
            ),
            # With its identifiers: the journal retracted it, and the demo's
            # retraction watch (demo/recorded.py) finds that out.
            {
                **ref(
                    "Mehra MR, Desai SS, Ruschitzka F, Patel AN",
                    "Hydroxychloroquine or chloroquine with or without a macrolide for "
                    "treatment of COVID-19: a multinational registry analysis",
                    "Lancet",
                    2020,
                    study_type="cohort",
                ),
                "pmid": "32450107",
                "doi": "10.1016/S0140-6736(20)31180-6",
            },
        ],
        "steps": approval(
            "author",
            ("reviewer", "reviewer3"),
            (
                "approve|Correct; the pericentral pattern is a useful point.",
                "approve|Dose advice matches current practice.",
            ),
            "Both reviewers approve as it is.",
            (1, 4, 5, 6, 15, 19, 21, 27, 29),
        ),
    },
    {
        "slug": "can-i-stop-my-antidepressant-all-at-once",
        "title": "Can I stop my antidepressant all at once?",
        "author": "author",
        "audience": "patient",
        "started": 41,
        "summary": (
            "It is better not to. Stopping suddenly can cause dizziness, flu-like feelings, "
            "irritability or brief “electric shock” sensations. Lowering the dose in steps, "
            "with your prescriber, makes these less likely."
        ),
        "body": (
            "## What can happen\n\nSymptoms often start within a few days and can last weeks, "
            "sometimes longer [2].\n\n## Tapering\n\nSmaller and smaller reductions, made "
            "over weeks or months, are gentler than halving the dose each time [1].\n\n"
            "## Telling it apart from relapse\n\nWithdrawal symptoms start quickly and "
            "include physical ones; the illness returning usually takes longer [1]."
        ),
        "references": [
            ref(
                "Horowitz MA, Taylor D",
                "Tapering of SSRI treatment to mitigate withdrawal symptoms",
                "Lancet Psychiatry",
                2019,
                study_type="other",
            ),
            ref(
                "Davies J, Read J",
                "A systematic review into the incidence, severity and duration of "
                "antidepressant withdrawal effects: are guidelines evidence-based?",
                "Addict Behav",
                2019,
                study_type="systematic_review",
                certainty="low",
            ),
        ],
        "steps": [
            (1, "submit", "author", ""),
            (3, "invite", "editor", "reviewer,reviewer3"),
            (4, "accept", "reviewer", ""),
            (4, "accept", "reviewer3", ""),
            (16, "review", "reviewer", "approve|Careful and kind in tone."),
            (20, "review", "reviewer3", "minor|Add that some medicines need slower tapers."),
            (
                29,
                "send_to_board",
                "editor",
                "Both reviewers support publication; the taper wording follows reviewer 2.",
            ),
        ],
    },
    {
        "slug": "do-i-always-need-to-finish-a-course-of-antibiotics",
        "title": "Do I always need to finish a course of antibiotics?",
        "author": "author",
        "audience": "patient",
        "started": 112,
        "summary": "No. You can stop antibiotics once you feel better.",
        "body": (
            "## Why the advice is changing\n\nLonger courses do not prevent resistance and "
            "may encourage it [1]."
        ),
        "references": [
            ref(
                "Llewelyn MJ, Fitzpatrick JM, Darwin E, et al.",
                "The antibiotic course has had its day",
                "BMJ",
                2017,
                study_type="other",
            ),
        ],
        "steps": [
            (1, "submit", "author", ""),
            (2, "invite", "editor", "reviewer2,reviewer3"),
            (3, "accept", "reviewer2", ""),
            (4, "accept", "reviewer3", ""),
            (
                13,
                "review",
                "reviewer2",
                "reject|The short answer goes beyond the evidence: some infections need the "
                "full course.",
            ),
            (
                16,
                "review",
                "reviewer3",
                "major|The cited article is an opinion piece; the advice needs trials, "
                "infection by infection.",
            ),
            (
                18,
                "reject",
                "editor",
                "Both reviewers found the general advice unsafe as written. We would welcome "
                "a narrower article on one infection, built on its trials.",
            ),
        ],
    },
    {
        "slug": "does-coffee-affect-levothyroxine",
        "title": "Does coffee affect levothyroxine?",
        "author": "author",
        "audience": "patient",
        "started": 96,
        "summary": (
            "Yes. Coffee drunk with the tablet can lower how much is absorbed; wait 30 to 60 "
            "minutes after the tablet before your coffee."
        ),
        "body": (
            "## What was found\n\nIn small studies, espresso taken with the tablet lowered "
            "the amount absorbed [1]."
        ),
        "references": [
            ref(
                "Benvenga S, Bartolone L, Pappalardo MA, et al.",
                "Altered intestinal absorption of L-thyroxine caused by coffee",
                "Thyroid",
                2008,
                study_type="case_report",
                certainty="very_low",
            ),
        ],
        "steps": [
            (1, "submit", "author", ""),
            (
                8,
                "withdraw",
                "author",
                "I will fold this into a wider article on taking levothyroxine well.",
            ),
        ],
    },
    {
        "slug": "do-gabapentin-or-pregabalin-help-sciatica",
        "title": "Do gabapentin or pregabalin help sciatica?",
        "author": "author",
        "audience": "professional",
        "started": 57,
        "summary": (
            "Probably not. Trials show little or no pain relief over placebo, with more "
            "dizziness and drowsiness."
        ),
        "body": (
            "## The evidence\n\nIn a placebo-controlled trial of pregabalin for sciatica, "
            "leg pain was no better at eight weeks or a year [1]. A meta-analysis of "
            "anticonvulsants for low back pain and radicular pain reached the same "
            "conclusion [2].\n\n## Harms\n\nDizziness was more common on pregabalin [1]."
        ),
        "references": [
            ref(
                "Mathieson S, Maher CG, McLachlan AJ, et al.",
                "Trial of pregabalin for acute and chronic sciatica",
                "N Engl J Med",
                2017,
                study_type="randomised_trial",
                certainty="high",
            ),
            ref(
                "Enke O, New HA, New CH, et al.",
                "Anticonvulsants in the treatment of low back pain and lumbar radicular "
                "pain: a systematic review and meta-analysis",
                "CMAJ",
                2018,
                study_type="systematic_review",
                certainty="moderate",
            ),
        ],
        "steps": [
            (1, "submit", "author", ""),
            (2, "invite", "editor", "reviewer,reviewer3"),
            (3, "accept", "reviewer", ""),
            (4, "accept", "reviewer3", ""),
            (
                14,
                "review",
                "reviewer",
                "major|Discuss the misuse potential and what to offer instead.",
            ),
            (17, "review", "reviewer3", "minor|Give the doses used in the trial."),
            (
                19,
                "request_changes",
                "editor",
                "Please add the harms beyond dizziness, the trial doses and the alternatives.",
            ),
            (
                31,
                "revise",
                "author",
                {
                    "body": (
                        "## The evidence\n\nIn a placebo-controlled trial of pregabalin (up to "
                        "600 mg a day) for sciatica, leg pain was no better at eight weeks or "
                        "a year [1]. A meta-analysis of anticonvulsants for low back pain and "
                        "radicular pain reached the same conclusion [2].\n\n## Harms\n\n"
                        "Dizziness was more common on pregabalin [1]; both drugs can be "
                        "misused and cause dependence.\n\n## What to offer instead\n\n"
                        "Advice to stay active, physiotherapy and, for severe persisting "
                        "pain, referral [2]."
                    ),
                    "response_letter": (
                        "Added the trial dose, misuse and dependence, and a section on "
                        "alternatives."
                    ),
                    "change_summary": "Harms, doses and alternatives added.",
                },
            ),
            (31, "resubmit", "author", ""),
            (32, "invite", "editor", "reviewer,reviewer3"),
            (33, "accept", "reviewer", ""),
            (33, "accept", "reviewer3", ""),
            (
                41,
                "review",
                "reviewer",
                "approve|The harms are now covered, including dependence, and the "
                "alternatives section gives the reader somewhere to go. No further changes.",
            ),
            (
                45,
                "review",
                "reviewer3",
                "approve|The trial dose is stated correctly. Optional: mention that both drugs "
                "need lower doses when kidney function is reduced.",
            ),
        ],
    },
    {
        "slug": "should-i-avoid-tea-when-taking-iron-tablets",
        "title": "Should I avoid tea when taking iron tablets?",
        "author": "author2",
        "audience": "patient",
        "started": 21,
        "summary": (
            "Yes: take iron at least an hour away from tea or coffee, which hold it back in "
            "the gut. Water or orange juice, on an empty stomach, helps it in."
        ),
        "body": (
            "## Why it matters\n\nTea cut iron absorption from a meal by well over half in "
            "a classic study [1].\n\n## Taking it well\n\n- One tablet in the morning, on "
            "alternate days, is absorbed as well as more frequent doses [2].\n- Vitamin C, "
            "as in orange juice, helps absorption."
        ),
        "references": [
            ref(
                "Hallberg L, Rossander L",
                "Effect of different drinks on the absorption of non-heme iron from "
                "composite meals",
                "Hum Nutr Appl Nutr",
                1982,
                study_type="other",
            ),
            ref(
                "Stoffel NU, Cercamondi CI, Brittenham G, et al.",
                "Iron absorption from oral iron supplements given on consecutive versus "
                "alternate days and as single morning doses versus twice-daily split dosing "
                "in iron-depleted women: two open-label, randomised controlled trials",
                "Lancet Haematol",
                2017,
                study_type="randomised_trial",
                certainty="moderate",
            ),
        ],
        "steps": [
            (1, "submit", "author2", ""),
            (2, "invite", "editor", "reviewer2,reviewer3"),
            (3, "decline", "reviewer3", "I am on leave for the next three weeks."),
            (4, "invite", "editor", "reviewer"),
            (4, "accept", "reviewer2", ""),
            (5, "accept", "reviewer", ""),
            (
                13,
                "review",
                "reviewer2",
                "minor|Say that stomach upset is a reason some people take it with food.",
            ),
        ],
    },
]
