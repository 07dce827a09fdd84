/// The built-in sample portfolio: a fictional health system's partnerships, written in Ally itself
/// so that it doubles as an example of the language. Every mode starts from it unless --empty or --data.
public enum SamplePortfolio {
    public static let source: String = #"""
    # Ally sample portfolio
    #
    # Lakeshore Health, a fictional nonprofit health system in the US Midwest, and
    # its strategic partnerships: the partners (organizations), the agreements that
    # bind them, and the stakeholders whose interests shape them. Every name here
    # is invented. Dates are written relative to `today`, so the portfolio always
    # has renewals coming up, reviews due and milestones running late, whatever
    # day it is loaded.
    #
    # Try:  partners | sort fit_score desc | take 5
    #       renewals within 180d
    #       agreements | where status == active | summarize sum(value) by form
    #       stakeholders | grid
    #       path from okafor to tan
    #       triggers

    # ---------------------------------------------------------------------------
    # Partners
    # ---------------------------------------------------------------------------

    # The home organization.
    partner lakeshore {
      name: "Lakeshore Health"
      kind: health_system
      region: "US-Midwest", country: "US"
      stage: partnered
      home: true
      tags: ["home", "integrated-delivery", "teaching"]
      notes: "Six hospitals, 40 clinics, about 1.1M patients a year. The analyst's own organization."
    }

    # Providers: hospitals, health systems, clinics, physician groups.
    partner harborpoint {
      name: "Harbor Point Community Hospital", kind: hospital, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 4, culture: 4, reputation: 3, complementarity: 3, expertise: 3, reach: 4, innovation: 2}
      tags: ["community-hospital", "affiliate"]
    }
    partner northwoods {
      name: "Northwoods Regional Hospital", kind: hospital, region: "US-Midwest", country: "US", stage: under_review
      fit: {mission: 5, strategy: 3, culture: 3, reputation: 3, complementarity: 4, expertise: 2, reach: 4, innovation: 1}
      tags: ["critical-access", "rural"]
      notes: "Critical-access hospital 140 miles north. Board is split on deeper ties with Lakeshore."
    }
    partner lakehead {
      name: "Lakehead Regional Health Centre", kind: hospital, region: "CA-Ontario", country: "CA", stage: piloting
      fit: {mission: 3, strategy: 2, culture: 3, reputation: 3, complementarity: 2, expertise: 2, reach: 1, innovation: 2}
      tags: ["cross-border", "workforce"]
    }
    partner prairie {
      name: "Prairie Valley Health System", kind: health_system, region: "US-Midwest", country: "US", stage: engaged
      fit: {mission: 4, strategy: 4, culture: 2, reputation: 4, complementarity: 5, expertise: 4, reach: 5, innovation: 3}
      tags: ["affiliation-candidate", "confidential"]
      notes: "Neighbouring system; exploratory affiliation talks under NDA."
    }
    partner riverbend {
      name: "Riverbend Family Clinics", kind: clinic, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 4, strategy: 4, culture: 5, reputation: 4, complementarity: 4, expertise: 3, reach: 3, innovation: 3}
      tags: ["primary-care", "referrals"]
    }
    partner mapleclinic {
      name: "Maple Street Community Clinic", kind: clinic, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 4, culture: 5, reputation: 4, complementarity: 4, expertise: 3, reach: 4, innovation: 2}
      tags: ["fqhc", "safety-net"]
    }
    partner lakeortho {
      name: "Great Lakes Orthopedic Associates", kind: physician_group, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 3, strategy: 5, culture: 4, reputation: 5, complementarity: 5, expertise: 5, reach: 3, innovation: 4}
      tags: ["orthopedics", "ambulatory-surgery"]
    }
    partner meridian {
      name: "Meridian Cardiology Partners", kind: physician_group, region: "US-Midwest", country: "US", stage: exiting
      fit: {mission: 2, strategy: 1, culture: 2, reputation: 4, complementarity: 3, expertise: 5, reach: 3, innovation: 3}
      tags: ["cardiology", "exit"]
      notes: "Joined a competing system's network; transition services run until the end of the term."
    }

    # Academia and research.
    partner stateu {
      name: "Lake State University", kind: academic, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 4, culture: 4, reputation: 5, complementarity: 4, expertise: 5, reach: 3, innovation: 4}
      tags: ["academic-affiliate", "research", "teaching"]
    }
    partner kingsbridge {
      name: "Kingsbridge University", kind: academic, region: "UK", country: "GB", stage: under_review
      fit: {mission: 4, strategy: 3, culture: 3, reputation: 5, complementarity: 4, expertise: 5, reach: 2, innovation: 5}
      tags: ["research", "digital-pathology", "international"]
      notes: "Data-transfer terms under review after a change in the university's data protection policy."
    }
    partner halden {
      name: "Halden Institute for Translational Medicine", kind: research_institute, region: "EU", country: "DE", stage: partnered
      fit: {mission: 4, strategy: 4, culture: 3, reputation: 5, complementarity: 4, expertise: 5, reach: 2, innovation: 5}
      tags: ["research", "biobank", "international"]
    }

    # Industry: technology, pharma, biotech, devices.
    partner clearpath {
      name: "ClearPath Analytics", kind: technology, region: "US-West", country: "US", stage: partnered
      fit: {mission: 3, strategy: 5, culture: 4, reputation: 4, complementarity: 5, expertise: 4, reach: 3, innovation: 5}
      tags: ["analytics", "ai", "vendor"]
    }
    partner nimbus {
      name: "Nimbus Health Cloud", kind: technology, region: "US-West", country: "US", stage: under_review
      fit: {mission: 2, strategy: 3, culture: 2, reputation: 2, complementarity: 4, expertise: 3, reach: 3, innovation: 3}
      tags: ["cloud", "ehr", "vendor", "at-risk"]
      notes: "Archive migration suspended after repeated validation failures."
    }
    partner quillon {
      name: "Quillon Transcription Services", kind: technology, region: "US-South", country: "US", stage: former
      fit: {mission: 2, strategy: 1, culture: 2, reputation: 1, complementarity: 3, expertise: 2, reach: 2, innovation: 1}
      tags: ["outsourcing", "former"]
      notes: "Contract terminated for cause after a data-handling incident."
    }
    partner veridia {
      name: "Veridia Pharma AG", kind: pharma, region: "Europe", country: "CH", stage: partnered
      fit: {mission: 3, strategy: 4, culture: 3, reputation: 4, complementarity: 5, expertise: 5, reach: 5, innovation: 4}
      tags: ["oncology", "clinical-trials", "international"]
    }
    partner orrin {
      name: "Orrin Therapeutics", kind: biotech, region: "US-Northeast", country: "US", stage: piloting
      fit: {mission: 4, strategy: 4, culture: 4, reputation: 3, complementarity: 4, expertise: 4, reach: 2, innovation: 5}
      tags: ["oncology", "cell-therapy"]
    }
    partner helixgen {
      name: "HelixGen Biologics", kind: biotech, region: "APAC", country: "SG", stage: prospect
      fit: {mission: 3, expertise: 4, innovation: 5}
      tags: ["genomics", "international", "prospect"]
      notes: "Introduced through Orrin; no agreement yet."
    }
    partner medora {
      name: "Medora Devices GmbH", kind: device_maker, region: "EU", country: "DE", stage: partnered
      fit: {mission: 3, strategy: 4, culture: 3, reputation: 4, complementarity: 4, expertise: 4, reach: 4, innovation: 4}
      tags: ["devices", "cardiology", "international"]
    }
    partner pulsewave {
      name: "Pulsewave Medical B.V.", kind: device_maker, region: "EU", country: "NL", stage: engaged
      fit: {strategy: 3, complementarity: 4, expertise: 4, innovation: 4}
      tags: ["devices", "nursing", "international"]
    }

    # Public sector, payers and regulators.
    partner countyhd {
      name: "Lake County Health Department", kind: government, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 4, culture: 3, reputation: 4, complementarity: 4, expertise: 3, reach: 5, innovation: 2}
      tags: ["public-health", "community"]
    }
    partner hqc {
      name: "Lake State Health Quality Commission", kind: regulator, region: "US-Midwest", country: "US", stage: piloting
      tags: ["quality", "regulatory"]
      notes: "State regulator; partners with providers on reporting pilots. Fit is not scored for regulators."
    }
    partner bluemeadow {
      name: "Blue Meadow Health Plan", kind: payer, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 3, strategy: 4, culture: 3, reputation: 4, complementarity: 5, expertise: 4, reach: 5, innovation: 3}
      tags: ["payer", "value-based", "commercial"]
    }
    partner unityplan {
      name: "Unity Mutual Health", kind: payer, region: "US-Midwest", country: "US", stage: engaged
      tags: ["payer", "medicare-advantage"]
    }

    # Nonprofits and community organizations.
    partner hopebridge {
      name: "HopeBridge Foundation", kind: nonprofit, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 4, culture: 5, reputation: 4, complementarity: 3, expertise: 3, reach: 4, innovation: 2}
      tags: ["philanthropy", "policy", "rural"]
    }
    partner heartland {
      name: "Heartland Kidney Alliance", kind: nonprofit, region: "US-Midwest", country: "US", stage: engaged
      fit: {mission: 5, strategy: 3, culture: 4, reputation: 4, complementarity: 3, expertise: 4, reach: 3, innovation: 2}
      tags: ["patient-advocacy", "kidney"]
    }
    partner southside {
      name: "Southside Neighbors Network", kind: community_org, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 5, strategy: 3, culture: 5, reputation: 4, complementarity: 4, expertise: 2, reach: 4, innovation: 2}
      tags: ["community", "health-equity"]
    }
    partner silverpines {
      name: "Silver Pines Seniors Council", kind: community_org, region: "US-Midwest", country: "US", stage: engaged
      fit: {mission: 5, culture: 4, reach: 3}
      tags: ["community", "older-adults"]
    }

    # Startups and group purchasing.
    partner careloop {
      name: "CareLoop", kind: startup, region: "US-Midwest", country: "US", stage: partnered
      fit: {mission: 4, strategy: 5, culture: 4, reputation: 2, complementarity: 5, expertise: 3, reach: 2, innovation: 5}
      tags: ["remote-monitoring", "portfolio-company"]
      notes: "Lakeshore holds a 15% stake and one board seat."
    }
    partner sanjeevani {
      name: "Sanjeevani Digital Health", kind: startup, region: "APAC", country: "IN", stage: engaged
      fit: {mission: 4, strategy: 3, complementarity: 4, expertise: 4, innovation: 4}
      tags: ["telehealth", "tele-icu", "international"]
    }
    partner ccpg {
      name: "Consolidated Care Purchasing Group", kind: gpo, region: "US", country: "US", stage: partnered
      fit: {mission: 2, strategy: 4, culture: 3, reputation: 4, complementarity: 4, expertise: 4, reach: 5, innovation: 2}
      tags: ["procurement", "supplies"]
    }

    # ---------------------------------------------------------------------------
    # Agreements
    # ---------------------------------------------------------------------------

    # Alliances and joint ventures.
    agreement pophealth_alliance {
      title: "Population Health Analytics Alliance", form: non_equity_alliance, status: active
      parties: [lakeshore {role: lead, contributes: 1.2M, votes: 2}, clearpath {contributes: 800k}]
      starts: today - 26mo, ends: today + 22mo, review: today + 40d, notice: 90d, auto_renew: true
      value: 2.4M
      scope: "Risk stratification and care-gap analytics across the primary care panel"
      decisions: {strategy: unanimous, operations: lead, data_governance: unanimous}
      kpis: [{name: "care gaps closed (%)", target: 70, actual: 64},
             {name: "risk model AUROC", target: 0.8, actual: 0.83},
             {name: "avoidable ED visits per 1k", target: 180, actual: 196, higher_is_better: false}]
      milestones: [{name: "claims and EHR feed live", due: today - 22mo, done: true},
                   {name: "risk model v2", due: today - 5mo, done: true},
                   {name: "payer data integration", due: today + 3mo}]
      health: 4, phi: true
      tags: ["analytics", "population-health", "data-sharing"]
    }
    agreement vbc_shared_savings {
      title: "Value-Based Care Shared Savings", form: non_equity_alliance, status: active
      parties: [bluemeadow {role: lead, contributes: 1.5M, votes: 2}, lakeshore {contributes: 2M, votes: 2},
                lakeortho {contributes: 300k}]
      starts: today - 2y, ends: today + 70d, review: today + 10d, notice: 6mo, auto_renew: true
      value: 6.5M
      scope: "Upside and downside risk on 25,000 attributed commercial lives"
      decisions: {strategy: unanimous, quality_measures: majority, savings_distribution: unanimous}
      kpis: [{name: "total cost of care PMPM", target: 420, actual: 436, higher_is_better: false},
             {name: "HEDIS composite", target: 80, actual: 83},
             {name: "attributed lives", target: 25000, actual: 23800}]
      milestones: [{name: "year 1 reconciliation", due: today - 11mo, done: true},
                   {name: "year 2 reconciliation", due: today + 1mo}]
      health: 3, phi: true
      tags: ["value-based", "payer", "renewal"]
    }
    agreement unity_network {
      title: "Medicare Advantage Network Participation", form: non_equity_alliance, status: negotiating
      parties: [unityplan {role: lead}, lakeshore, lakeortho]
      starts: today + 4mo, ends: today + 40mo, notice: 90d
      value: 4M
      scope: "In-network status for Unity Mutual's Medicare Advantage plans"
      decisions: {rates: unanimous, utilization_management: majority}
      milestones: [{name: "rate proposal exchanged", due: today - 3w, done: true},
                   {name: "contract signature", due: today + 2mo}]
      tags: ["payer", "medicare-advantage"]
    }
    agreement pathology_alliance {
      title: "Digital Pathology AI Alliance", form: non_equity_alliance, status: under_review
      parties: [kingsbridge {role: lead, contributes: 300k}, lakeshore {contributes: 250k}, clearpath {contributes: 400k}]
      starts: today - 16mo, ends: today + 14mo, review: today + 20d, notice: 90d
      value: 950k
      scope: "Train and validate slide-level cancer detection models on pooled archives"
      decisions: {research: majority, publication: majority, data_access: unanimous}
      kpis: [{name: "slides digitized", target: 50000, actual: 38000},
             {name: "model sensitivity (%)", target: 95, actual: 93.5}]
      milestones: [{name: "scanner install", due: today - 13mo, done: true},
                   {name: "cross-site validation", due: today - 1mo}]
      health: 3, phi: true
      jurisdictions: ["US", "GB"]
      tags: ["research", "ai", "pathology", "international"]
    }
    agreement careloop_stake {
      title: "CareLoop Remote Monitoring Investment", form: equity_alliance, status: active
      parties: [lakeshore {role: lead, contributes: 1.5M, equity: 15%}, careloop {contributes: 400k}]
      starts: today - 14mo, ends: today + 34mo, review: today + 2mo, notice: 6mo
      value: 1.8M
      scope: "Minority stake plus a system-wide remote monitoring rollout for heart failure and COPD"
      decisions: {strategy: majority, product_roadmap: lead, board_seat: unanimous}
      kpis: [{name: "patients enrolled", target: 1500, actual: 1120},
             {name: "30-day CHF readmissions (%)", target: 12, actual: 14, higher_is_better: false},
             {name: "device adherence (%)", target: 80, actual: null}]
      milestones: [{name: "heart failure rollout", due: today - 9mo, done: true},
                   {name: "COPD cohort launch", due: today - 1mo},
                   {name: "Series B follow-on decision", due: today + 5mo}]
      health: 3, phi: true
      tags: ["remote-monitoring", "venture", "heart-failure"]
    }
    agreement oncology_codev {
      title: "Orrin-Veridia Oncology Co-development", form: equity_alliance, status: negotiating
      parties: [veridia {role: lead, contributes: 8M, equity: 70%, votes: 3}, orrin {contributes: 3M, equity: 30%, votes: 2},
                lakeshore {role: observer}]
      starts: today + 2mo, ends: today + 5y, notice: 6mo
      value: 11M
      scope: "Co-development of a CAR-T candidate; Lakeshore as a prospective trial site"
      decisions: {strategy: unanimous, research: majority, commercialization: lead}
      milestones: [{name: "term sheet signed", due: today + 30d}]
      jurisdictions: ["US", "CH"]
      tags: ["oncology", "cell-therapy", "clinical-trials"]
    }
    agreement surgery_jv {
      title: "Lakeshore Orthopedic Surgery Center", form: joint_venture, status: active
      parties: [lakeshore {role: lead, contributes: 3M, equity: 60%, votes: 3},
                lakeortho {contributes: 2M, equity: 40%, votes: 2}]
      starts: 2022-07-01, ends: today + 4y, review: today + 5mo, notice: 12mo, auto_renew: true
      value: 12M
      scope: "Jointly owned ambulatory surgery center for joint replacement and spine"
      decisions: {strategy: unanimous, operations: lead, finance: majority, clinical_quality: majority}
      kpis: [{name: "cases per year", target: 4200, actual: 4480},
             {name: "30-day readmissions (%)", target: 3.5, actual: 3.1, higher_is_better: false},
             {name: "patient satisfaction (%)", target: 90, actual: 92}]
      milestones: [{name: "second OR suite open", due: today - 14mo, done: true},
                   {name: "robotic program launch", due: today + 4mo}]
      health: 5
      tags: ["ambulatory", "orthopedics", "equity-stake"]
    }

    # Consortia.
    agreement oncology_consortium {
      title: "Great Lakes Precision Oncology Consortium", form: consortium, status: active
      parties: [stateu {role: lead, contributes: 900k, votes: 2}, lakeshore {contributes: 750k},
                halden {contributes: 500k}, veridia {contributes: 1.5M}, orrin {role: observer}]
      starts: 2023-01-15, ends: today + 2y, review: today + 75d, notice: 6mo
      value: 4.2M
      scope: "Shared genomic profiling, biobank and investigator-initiated trials"
      decisions: {strategy: unanimous, research: majority, publication: majority, data_access: unanimous}
      kpis: [{name: "trial enrolment", target: 400, actual: 310},
             {name: "genomic profiles", target: 2500, actual: 2710},
             {name: "publications", target: 6, actual: 4}]
      milestones: [{name: "biobank live", due: today - 18mo, done: true},
                   {name: "phase II trial opens", due: today - 2mo, done: true},
                   {name: "interim analysis", due: today + 7mo}]
      health: 4, phi: true
      jurisdictions: ["US", "DE", "CH", "EU"]
      tags: ["oncology", "genomics", "research"]
    }
    agreement sepsis_network {
      title: "Transatlantic Sepsis Research Network", form: consortium, status: proposed
      parties: [kingsbridge {role: lead, contributes: 400k}, halden {contributes: 300k},
                stateu {contributes: 250k}, lakeshore {contributes: 200k}]
      starts: today + 4mo, ends: today + 40mo
      value: 1.5M
      scope: "Shared sepsis cohort and external validation of early-warning models"
      decisions: {strategy: unanimous, data_access: unanimous, publication: majority}
      phi: true
      jurisdictions: ["US", "GB", "DE", "EU"]
      tags: ["sepsis", "research", "international"]
    }

    # Supply chain.
    agreement gpo_purchasing {
      title: "Consolidated Purchasing Agreement", form: supply_chain, status: active
      parties: [ccpg {role: lead, contributes: 150k}, lakeshore {contributes: 350k}]
      starts: today - 3y, ends: today + 45d, review: today + 14d, notice: 90d, auto_renew: true
      value: 9.5M
      scope: "Med-surg supplies, pharmacy and lab consumables at group pricing"
      decisions: {pricing: lead, formulary: majority}
      kpis: [{name: "savings vs list (%)", target: 12, actual: 10.5},
             {name: "contract compliance (%)", target: 85, actual: 88},
             {name: "backorder rate (%)", target: 2, actual: 3.4, higher_is_better: false}]
      health: 3
      tags: ["procurement", "supplies", "renewal"]
    }
    agreement monitor_supply {
      title: "Cardiac Monitor Supply and Service", form: supply_chain, status: active
      parties: [medora {role: lead, contributes: 400k}, lakeshore {contributes: 2.2M}]
      starts: today - 20mo, ends: today + 28mo, notice: 6mo
      value: 2.6M
      scope: "Telemetry monitors, service and software updates for all cardiac units"
      decisions: {pricing: unanimous, service_levels: majority}
      kpis: [{name: "fleet uptime (%)", target: 99.5, actual: 99.7},
             {name: "parts lead time (days)", target: 14, actual: 21, higher_is_better: false}]
      milestones: [{name: "fleet replacement phase 1", due: today - 8mo, done: true},
                   {name: "fleet replacement phase 2", due: today + 2mo}]
      health: 4
      jurisdictions: ["US", "EU"]
      tags: ["devices", "cardiology"]
    }
    agreement infusion_supply {
      title: "Smart Infusion Pump Fleet", form: supply_chain, status: negotiating
      parties: [pulsewave {role: lead}, lakeshore, ccpg {role: observer}]
      starts: today + 3mo, ends: today + 63mo, notice: 6mo
      value: 3.1M
      scope: "Replace 1,800 infusion pumps with EHR-integrated smart pumps"
      decisions: {pricing: majority, clinical_evaluation: lead}
      milestones: [{name: "clinical evaluation complete", due: today - 3w, done: true},
                   {name: "final pricing", due: today + 6w}]
      jurisdictions: ["US", "NL"]
      tags: ["devices", "nursing", "patient-safety"]
    }
    agreement quillon_transcription {
      title: "Clinical Transcription Outsourcing", form: supply_chain, status: terminated
      parties: [quillon {role: lead}, lakeshore]
      starts: 2020-03-01, ends: today - 7mo, notice: 30d
      value: 600k
      scope: "Outsourced dictation and transcription; terminated for cause after a data-handling incident"
      health: 1, phi: true
      tags: ["outsourcing", "terminated-for-cause"]
    }

    # Memoranda of understanding.
    agreement prairie_mou {
      title: "Regional Affiliation Exploration", form: mou, status: negotiating
      parties: [lakeshore {role: lead}, prairie]
      review: today + 21d
      scope: "Exploratory talks on clinical integration and shared services"
      decisions: {strategy: unanimous}
      milestones: [{name: "mutual due diligence report", due: today + 2mo}]
      tags: ["affiliation", "confidential"]
    }
    agreement chna_mou {
      title: "Community Health Needs Assessment", form: mou, status: active
      parties: [countyhd {role: lead}, lakeshore {contributes: 120k}, harborpoint {contributes: 60k},
                southside {contributes: 15k}]
      starts: today - 18mo, ends: today + 150d, notice: 60d
      value: 250k
      scope: "Joint county-wide needs assessment and implementation plan"
      decisions: {priorities: majority, publication: unanimous}
      kpis: [{name: "survey responses", target: 3000, actual: 3420},
             {name: "community forums held", target: 12, actual: 9}]
      milestones: [{name: "survey fielded", due: today - 9mo, done: true},
                   {name: "draft report", due: today - 1mo, done: true},
                   {name: "final report published", due: today + 2mo}]
      health: 4
      tags: ["community", "public-health"]
    }
    agreement teleicu_mou {
      title: "Tele-ICU Follow-the-Sun Exploration", form: mou, status: proposed
      parties: [sanjeevani {role: lead}, lakeshore]
      starts: today + 1mo, ends: today + 13mo
      value: 400k
      scope: "Overnight intensivist coverage from Bengaluru; feasibility and licensing study"
      phi: true
      jurisdictions: ["US", "IN"]
      tags: ["telehealth", "international"]
    }

    # Service exchange.
    agreement telestroke {
      title: "Rural Telestroke Coverage", form: service_exchange, status: active
      parties: [lakeshore {role: lead, contributes: 650k}, northwoods {contributes: 180k}]
      starts: today - 3y, ends: today + 20d, review: today - 10d, notice: 60d
      value: 830k
      scope: "24/7 stroke neurology by video for Northwoods' emergency department"
      decisions: {clinical_protocols: lead, staffing: majority}
      kpis: [{name: "door-to-needle (min)", target: 60, actual: 82, higher_is_better: false},
             {name: "tele-consults per month", target: 40, actual: 26}]
      milestones: [{name: "24/7 coverage", due: today - 30mo, done: true},
                   {name: "neuro-ICU transfer protocol", due: today - 3mo}]
      health: 2, phi: true
      tags: ["telehealth", "stroke", "rural", "renewal"]
    }
    agreement riverbend_outreach {
      title: "Specialist Outreach to Riverbend Clinics", form: service_exchange, status: active
      parties: [lakeshore {role: lead, contributes: 900k}, riverbend {contributes: 300k}]
      starts: 2021-10-01, ends: today + 14mo, notice: 90d, auto_renew: true
      value: 1.2M
      scope: "Visiting cardiology, endocrinology and behavioral health clinics"
      decisions: {scheduling: lead, staffing: majority}
      kpis: [{name: "specialist clinic days per month", target: 24, actual: 26},
             {name: "referral leakage (%)", target: 15, actual: 18, higher_is_better: false}]
      health: 4
      tags: ["primary-care", "referrals"]
    }
    agreement nurse_exchange {
      title: "Cross-Border Nurse Exchange", form: service_exchange, status: under_review
      parties: [lakeshore {role: lead, contributes: 200k}, lakehead {contributes: 100k}]
      starts: today - 2y, ends: today + 30d, review: today + 7d, notice: 12w
      value: 300k
      scope: "Rotations of critical-care nurses between Lakeshore and Lakehead"
      kpis: [{name: "nurses exchanged", target: 20, actual: 11}]
      milestones: [{name: "licensure pathway agreed", due: today - 18mo, done: true},
                   {name: "second cohort", due: today - 4mo}]
      health: 3
      jurisdictions: ["US", "CA"]
      tags: ["workforce", "international"]
    }

    # Projects.
    agreement archive_migration {
      title: "Legacy EHR Archive Migration", form: project, status: suspended
      parties: [lakeshore {role: lead, contributes: 1.1M}, nimbus {contributes: 200k}]
      starts: today - 15mo, ends: today + 6mo, review: today + 2w, notice: 30d
      value: 1.3M
      scope: "Move 12M legacy records to a cloud archive and retire three old systems"
      decisions: {technical: majority, go_no_go: lead}
      kpis: [{name: "records migrated (M)", target: 12, actual: 4.1},
             {name: "validation defect rate (%)", target: 0.5, actual: 2.8, higher_is_better: false}]
      milestones: [{name: "pilot extract", due: today - 12mo, done: true},
                   {name: "full migration", due: today - 2mo},
                   {name: "decommission legacy systems", due: today + 5mo}]
      health: 1, phi: true
      tags: ["ehr", "data-migration", "at-risk"]
    }
    agreement diabetes_prevention {
      title: "Diabetes Prevention Program", form: project, status: active
      parties: [bluemeadow {role: lead, contributes: 700k}, lakeshore {contributes: 400k},
                hopebridge {contributes: 150k}, mapleclinic {contributes: 80k}]
      starts: today - 10mo, ends: today + 26mo, review: today + 3mo
      value: 1.3M
      scope: "Year-long lifestyle program for members with prediabetes"
      decisions: {program_design: majority, budget: unanimous}
      kpis: [{name: "participants enrolled", target: 600, actual: 455},
             {name: "average weight loss (%)", target: 5, actual: 4.2},
             {name: "completion rate (%)", target: 70, actual: null}]
      milestones: [{name: "curriculum launched", due: today - 9mo, done: true},
                   {name: "second cohort", due: today - 3mo, done: true},
                   {name: "outcome report", due: today + 9mo}]
      health: 4
      tags: ["prevention", "diabetes", "value-based"]
    }
    agreement quality_reporting {
      title: "Electronic Quality Reporting Pilot", form: project, status: active
      parties: [hqc {role: lead, contributes: 200k}, lakeshore {contributes: 150k}, clearpath {contributes: 100k}]
      starts: today - 8mo, ends: today + 170d, notice: 90d
      value: 450k
      scope: "Submit state quality measures straight from the EHR"
      decisions: {measure_specs: lead, timeline: majority}
      kpis: [{name: "measures submitted electronically", target: 12, actual: 9}]
      milestones: [{name: "test submission", due: today - 4mo, done: true},
                   {name: "production submission", due: today + 1mo}]
      health: 4, phi: true
      tags: ["quality", "regulatory"]
    }
    agreement maternal_navigators {
      title: "Maternal Health Navigator Pilot", form: project, status: expired
      parties: [lakeshore {role: lead, contributes: 200k}, southside {contributes: 60k}, countyhd {contributes: 90k}]
      starts: today - 26mo, ends: today - 40d
      value: 350k
      scope: "Community health workers guiding at-risk mothers through prenatal care; a successor is under discussion"
      kpis: [{name: "first-trimester prenatal visits (%)", target: 80, actual: 76},
             {name: "navigator caseload", target: 150, actual: 162}]
      milestones: [{name: "navigators hired", due: today - 24mo, done: true},
                   {name: "evaluation report", due: today - 2mo, done: true}]
      health: 4
      tags: ["maternal-health", "community", "completed"]
    }

    # Resource sharing.
    agreement sim_lab {
      title: "Shared Simulation Training Lab", form: resource_sharing, status: active
      parties: [stateu {role: lead, contributes: 600k, votes: 2}, lakeshore {contributes: 450k},
                harborpoint {contributes: 150k}]
      starts: 2023-08-01, ends: today + 3y, notice: 6mo, auto_renew: true
      value: 1.2M
      scope: "Simulation center for residents, nurses and EMS crews"
      decisions: {scheduling: majority, capital: unanimous}
      kpis: [{name: "learner hours", target: 12000, actual: 13400},
             {name: "utilization (%)", target: 75, actual: 68}]
      health: 5
      tags: ["education", "simulation"]
    }
    agreement mobile_units {
      title: "Mobile Health Unit Sharing", form: resource_sharing, status: active
      parties: [lakeshore {role: lead, contributes: 500k}, harborpoint {contributes: 120k},
                northwoods {contributes: 90k}, mapleclinic {contributes: 40k}]
      starts: today - 21mo, ends: today + 120d, notice: 90d
      value: 750k
      scope: "Two screening vans on a shared rural and inner-city route"
      decisions: {routes: majority, budget: unanimous}
      kpis: [{name: "screening visits", target: 5000, actual: 4100},
             {name: "no-show rate (%)", target: 10, actual: 9, higher_is_better: false}]
      milestones: [{name: "second van in service", due: today - 6mo, done: true}]
      health: 3
      tags: ["rural", "screening", "mobile"]
    }

    # Advocacy.
    agreement rural_coalition {
      title: "Midwest Rural Health Access Coalition", form: advocacy_coalition, status: active
      parties: [hopebridge {role: lead, contributes: 120k}, lakeshore {role: member, contributes: 75k},
                northwoods {contributes: 20k}, heartland {contributes: 25k}, southside {contributes: 10k}]
      starts: today - 3y, ends: today + 2y, notice: 60d, auto_renew: true
      value: 250k
      scope: "Joint positions on rural hospital funding and broadband for telehealth"
      decisions: {positions: unanimous, spending: majority}
      kpis: [{name: "legislators briefed", target: 40, actual: 46},
             {name: "coalition members", target: 25, actual: 21}]
      health: 4
      tags: ["policy", "rural"]
    }
    agreement telehealth_parity {
      title: "Telehealth Payment Parity Coalition", form: advocacy_coalition, status: proposed
      parties: [lakeshore {role: lead}, riverbend, careloop, prairie]
      starts: today + 1mo, ends: today + 2y
      value: 60k
      scope: "Push for permanent payment parity for video and remote-monitoring visits"
      decisions: {positions: unanimous}
      tags: ["policy", "telehealth"]
    }

    # Exit.
    agreement meridian_transition {
      title: "Meridian Cardiology Transition Services", form: transition_services, status: active
      parties: [lakeshore {role: lead, contributes: 400k}, meridian {contributes: 100k}]
      starts: today - 5mo, ends: today + 30d, notice: 60d
      value: 500k
      scope: "Billing, scheduling and records support while Meridian leaves the Lakeshore network"
      decisions: {cutover_dates: unanimous, records_release: lead}
      kpis: [{name: "patient records transferred (%)", target: 100, actual: 82}]
      milestones: [{name: "patient notification letters", due: today - 4mo, done: true},
                   {name: "records transfer", due: today - 2w},
                   {name: "IT access cut-over", due: today + 3w}]
      health: 2, phi: true
      tags: ["exit", "cardiology"]
    }

    # ---------------------------------------------------------------------------
    # Stakeholders (a `knows` entry names someone defined above it)
    # ---------------------------------------------------------------------------

    # Lakeshore Health
    stakeholder okafor { name: "Adaeze Okafor", org: lakeshore, group: executive, title: "President & CEO"
      influence: 5, interest: 5, stance: champion
      interests: ["regional growth", "academic standing"], concerns: ["operating margin", "merger risk"] }
    stakeholder brennan { name: "Thomas Brennan", org: lakeshore, group: executive, title: "Chief Financial Officer"
      influence: 5, interest: 4, stance: skeptic
      interests: ["cost discipline", "predictable returns"], concerns: ["capital commitments", "JV losses"]
      knows: [okafor] }
    stakeholder lindqvist { name: "Dr. Maria Lindqvist", org: lakeshore, group: clinical, title: "Chief Medical Officer"
      influence: 5, interest: 5, stance: champion
      interests: ["clinical quality", "research growth"], concerns: ["physician burnout"]
      knows: [okafor, brennan] }
    stakeholder castillo { name: "Rafael Castillo", org: lakeshore, group: executive, title: "VP Strategy & Partnerships"
      influence: 4, interest: 5, stance: champion
      interests: ["portfolio growth", "clear decision rights"], concerns: ["partner overload", "stalled negotiations"]
      knows: [okafor, lindqvist] }
    stakeholder nguyen { name: "Linh Nguyen", org: lakeshore, group: it_data, title: "Chief Information Officer"
      influence: 4, interest: 4, stance: supporter
      interests: ["interoperability", "cloud strategy"], concerns: ["integration backlog", "vendor lock-in"]
      knows: [castillo, brennan] }
    stakeholder adeyemi { name: "Tunde Adeyemi", org: lakeshore, group: it_data, title: "Chief Information Security Officer"
      influence: 3, interest: 4, stance: skeptic
      interests: ["security reviews"], concerns: ["PHI exposure", "vendor breaches"]
      knows: [nguyen] }
    stakeholder parekh { name: "Rina Parekh", org: lakeshore, group: it_data, title: "Chief Data Officer"
      influence: 3, interest: 5, stance: supporter
      interests: ["data platform", "AI governance"], concerns: ["data quality"]
      knows: [nguyen, adeyemi] }
    stakeholder holloway { name: "Janet Holloway", org: lakeshore, group: clinical, title: "Chief Nursing Officer"
      influence: 4, interest: 3, stance: neutral
      interests: ["nurse staffing", "patient safety"], concerns: ["workload from new tools"]
      knows: [lindqvist] }
    stakeholder sato { name: "Kenji Sato", org: lakeshore, group: operations, title: "Chief Operating Officer"
      influence: 5, interest: 3, stance: neutral
      interests: ["throughput", "standard work"], concerns: ["operational disruption"]
      knows: [okafor, brennan, holloway] }
    stakeholder delacroix { name: "Simone Delacroix", org: lakeshore, group: operations, title: "VP Supply Chain"
      influence: 3, interest: 4, stance: supporter
      interests: ["price stability", "supplier diversity"], concerns: ["backorders"]
      knows: [sato, brennan] }
    stakeholder bianchi { name: "Paolo Bianchi", org: lakeshore, group: operations, title: "VP Managed Care Contracting"
      influence: 3, interest: 4, stance: supporter
      interests: ["rate increases", "value-based contracts"], concerns: ["downside risk"]
      knows: [brennan, castillo] }
    stakeholder fitzgerald { name: "Dr. Aidan Fitzgerald", org: lakeshore, group: clinical, title: "Chair of Cardiology"
      influence: 3, interest: 4, stance: skeptic
      interests: ["cardiology volumes", "device choice"], concerns: ["Meridian exit", "referral loss"]
      knows: [lindqvist] }
    stakeholder marsh { name: "Gordon Marsh", org: lakeshore, group: board, title: "Chair, Board of Directors"
      influence: 5, interest: 2, stance: neutral
      interests: ["mission", "credit rating"], concerns: ["reputational risk"]
      knows: [okafor, brennan] }
    stakeholder whitaker { name: "Evelyn Whitaker", org: lakeshore, group: board, title: "Chair, Finance Committee"
      influence: 4, interest: 2, stance: skeptic
      interests: ["return on capital"], concerns: ["equity stakes in startups"]
      knows: [marsh, brennan] }
    stakeholder moreno { name: "Lucia Moreno", org: lakeshore, group: patients_community, title: "Chair, Patient & Family Advisory Council"
      influence: 2, interest: 5, stance: supporter
      interests: ["access", "language services"], concerns: ["privacy", "digital-only care"]
      knows: [holloway] }

    # Harbor Point Community Hospital
    stakeholder vance { name: "Diane Vance", org: harborpoint, group: executive, title: "CEO"
      influence: 4, interest: 4, stance: supporter
      interests: ["specialty access", "shared services"], concerns: ["loss of local identity"]
      knows: [okafor, sato] }
    stakeholder ibarra { name: "Dr. Miguel Ibarra", org: harborpoint, group: clinical, title: "Chief Medical Officer"
      influence: 3, interest: 3, stance: supporter
      interests: ["simulation training"], concerns: ["transfer delays"]
      knows: [vance, lindqvist] }

    # Northwoods Regional Hospital
    stakeholder halvorsen { name: "Erik Halvorsen", org: northwoods, group: executive, title: "CEO"
      influence: 4, interest: 5, stance: skeptic
      interests: ["lower telestroke fees", "keeping services local"], concerns: ["dependence on Lakeshore"]
      knows: [castillo] }
    stakeholder bergstrom { name: "Ingrid Bergstrom", org: northwoods, group: board, title: "Chair, Board of Trustees"
      influence: 4, interest: 3, stance: blocker
      interests: ["independence"], concerns: ["absorption by a larger system", "community backlash"]
      knows: [halvorsen] }
    stakeholder lund { name: "Dr. Hannah Lund", org: northwoods, group: clinical, title: "Emergency Department Director"
      influence: 2, interest: 5, stance: champion
      interests: ["stroke outcomes", "24/7 neurology"], concerns: ["coverage gaps at renewal"]
      knows: [halvorsen, fitzgerald] }

    # Lakehead Regional Health Centre
    stakeholder tremblay { name: "Julie Tremblay", org: lakehead, group: clinical, title: "Chief Nursing Executive"
      influence: 3, interest: 4, stance: supporter
      interests: ["critical-care skills"], concerns: ["licensure paperwork"]
      knows: [holloway] }
    stakeholder macleod { name: "Ian MacLeod", org: lakehead, group: operations, title: "VP Human Resources"
      influence: 3, interest: 2, stance: neutral
      interests: ["retention"], concerns: ["staff poaching"]
      knows: [tremblay] }

    # Prairie Valley Health System
    stakeholder dawson { name: "Robert Dawson", org: prairie, group: executive, title: "CEO"
      influence: 5, interest: 4, stance: skeptic
      interests: ["scale", "payer leverage"], concerns: ["loss of control", "culture clash"]
      knows: [okafor, marsh] }
    stakeholder kowalski { name: "Anna Kowalski", org: prairie, group: executive, title: "CFO"
      influence: 4, interest: 3, stance: neutral
      interests: ["balance sheet", "shared services savings"], concerns: ["pension liabilities"]
      knows: [dawson, brennan] }
    stakeholder feldman { name: "Harold Feldman", org: prairie, group: board, title: "Chair, Board of Directors"
      influence: 5, interest: 3, stance: blocker
      interests: ["local governance"], concerns: ["merger by stealth", "board seats"]
      knows: [dawson] }

    # Riverbend Family Clinics
    stakeholder mensah { name: "Dr. Grace Mensah", org: riverbend, group: clinical, title: "Medical Director"
      influence: 3, interest: 4, stance: champion
      interests: ["specialist access", "shorter waits"], concerns: ["referral leakage"]
      knows: [lindqvist] }
    stakeholder pruitt { name: "Dale Pruitt", org: riverbend, group: operations, title: "Practice Administrator"
      influence: 2, interest: 4, stance: supporter
      interests: ["clinic room scheduling"], concerns: ["billing complexity"]
      knows: [mensah] }

    # Maple Street Community Clinic
    stakeholder salazar { name: "Dr. Elena Salazar", org: mapleclinic, group: executive, title: "Executive Director"
      influence: 3, interest: 5, stance: champion
      interests: ["prevention funding", "health equity"], concerns: ["grant cliffs"]
      knows: [moreno, castillo] }
    stakeholder otieno { name: "James Otieno", org: mapleclinic, group: patients_community, title: "Community Health Worker Lead"
      influence: 1, interest: 5, stance: supporter
      interests: ["outreach", "trust"], concerns: ["burnout", "screening follow-up"]
      knows: [salazar] }

    # Great Lakes Orthopedic Associates
    stakeholder kessler { name: "Dr. Mark Kessler", org: lakeortho, group: executive, title: "Managing Partner"
      influence: 4, interest: 5, stance: champion
      interests: ["ASC growth", "robotics"], concerns: ["dilution of equity"]
      knows: [lindqvist, brennan] }
    stakeholder park { name: "Dr. Soo-jin Park", org: lakeortho, group: clinical, title: "Chief of Spine Surgery"
      influence: 3, interest: 3, stance: neutral
      interests: ["OR block time"], concerns: ["payer prior authorization"]
      knows: [kessler] }

    # Meridian Cardiology Partners
    stakeholder voss { name: "Dr. Richard Voss", org: meridian, group: executive, title: "Managing Partner"
      influence: 4, interest: 5, stance: skeptic
      interests: ["clean exit", "patient continuity"], concerns: ["non-compete terms", "records access"]
      knows: [fitzgerald, lindqvist] }
    stakeholder ellison { name: "Karen Ellison", org: meridian, group: operations, title: "Practice Manager"
      influence: 2, interest: 5, stance: neutral
      interests: ["billing run-out"], concerns: ["scheduling system cut-over"]
      knows: [voss] }

    # Lake State University
    stakeholder hargrove { name: "Dr. Philip Hargrove", org: stateu, group: executive, title: "Dean, School of Medicine"
      influence: 5, interest: 4, stance: champion
      interests: ["research funding", "residency slots"], concerns: ["clinical revenue share"]
      knows: [lindqvist, okafor] }
    stakeholder chen { name: "Dr. Wei Chen", org: stateu, group: clinical, title: "Director, Cancer Center"
      influence: 4, interest: 5, stance: champion
      interests: ["trial enrolment", "precision oncology"], concerns: ["data access delays"]
      knows: [hargrove, lindqvist] }
    stakeholder abernathy { name: "Ruth Abernathy", org: stateu, group: operations, title: "VP Research Administration"
      influence: 3, interest: 3, stance: neutral
      interests: ["indirect cost recovery"], concerns: ["contract turnaround"]
      knows: [hargrove] }
    stakeholder pemberton { name: "Charles Pemberton", org: stateu, group: board, title: "Trustee"
      influence: 4, interest: 1, stance: neutral
      interests: ["university reputation"], concerns: ["liability"]
      knows: [hargrove, marsh] }

    # Kingsbridge University
    stakeholder ashworth { name: "Prof. Helen Ashworth", org: kingsbridge, group: clinical, title: "Professor of Digital Pathology"
      influence: 3, interest: 5, stance: champion
      interests: ["larger training sets", "joint publications"], concerns: ["slow data approvals"]
      knows: [chen] }
    stakeholder boateng { name: "Dr. Kwame Boateng", org: kingsbridge, group: it_data, title: "Data Protection Officer"
      influence: 4, interest: 3, stance: skeptic
      interests: ["lawful transfer basis"], concerns: ["GDPR exposure", "re-identification"]
      knows: [ashworth] }

    # Halden Institute for Translational Medicine
    stakeholder richter { name: "Prof. Stefan Richter", org: halden, group: executive, title: "Scientific Director"
      influence: 4, interest: 4, stance: supporter
      interests: ["international cohorts", "EU grants"], concerns: ["US data rules"]
      knows: [chen, ashworth] }
    stakeholder hoffmann { name: "Dr. Lena Hoffmann", org: halden, group: it_data, title: "Head of Biobank Informatics"
      influence: 2, interest: 4, stance: supporter
      interests: ["sample tracking standards"], concerns: ["consent management"]
      knows: [richter] }

    # ClearPath Analytics
    stakeholder mehta { name: "Arjun Mehta", org: clearpath, group: executive, title: "CEO"
      influence: 4, interest: 5, stance: champion
      interests: ["reference customer", "new modules"], concerns: ["procurement cycles"]
      knows: [nguyen, castillo] }
    stakeholder stein { name: "Rachel Stein", org: clearpath, group: it_data, title: "VP Data Science"
      influence: 3, interest: 5, stance: champion
      interests: ["model validation", "real-world data"], concerns: ["data latency"]
      knows: [mehta, parekh] }
    stakeholder obrien { name: "Liam O'Brien", org: clearpath, group: operations, title: "Customer Success Director"
      influence: 2, interest: 3, stance: neutral
      interests: ["adoption metrics"], concerns: ["support load"]
      knows: [mehta] }

    # Nimbus Health Cloud
    stakeholder whitfield { name: "Craig Whitfield", org: nimbus, group: executive, title: "CEO"
      influence: 3, interest: 2, stance: neutral
      interests: ["keeping the account"], concerns: ["penalty clauses"]
      knows: [nguyen] }
    stakeholder ramos { name: "Teresa Ramos", org: nimbus, group: it_data, title: "Migration Program Lead"
      influence: 2, interest: 4, stance: skeptic
      interests: ["realistic timeline"], concerns: ["source data quality", "scope creep"]
      knows: [whitfield, adeyemi] }

    # Quillon Transcription Services (former)
    stakeholder dorsey { name: "Glen Dorsey", org: quillon, group: operations, title: "Former Account Manager"
      influence: 1, interest: 1, stance: neutral
      interests: ["closing out invoices"], concerns: ["litigation"]
      knows: [delacroix] }

    # Veridia Pharma AG
    stakeholder zimmermann { name: "Dr. Beat Zimmermann", org: veridia, group: executive, title: "Head of Oncology Partnerships"
      influence: 4, interest: 4, stance: supporter
      interests: ["trial sites in the US Midwest", "real-world evidence"], concerns: ["enrolment pace"]
      knows: [chen, richter] }
    stakeholder favre { name: "Claire Favre", org: veridia, group: clinical, title: "Global Medical Affairs Lead"
      influence: 3, interest: 3, stance: neutral
      interests: ["investigator network"], concerns: ["publication timing"]
      knows: [zimmermann] }

    # Orrin Therapeutics
    stakeholder lowell { name: "Dr. Naomi Lowell", org: orrin, group: executive, title: "Chief Scientific Officer"
      influence: 4, interest: 5, stance: champion
      interests: ["first-in-human trial", "co-development capital"], concerns: ["IP terms"]
      knows: [zimmermann, chen] }
    stakeholder grant { name: "Peter Grant", org: orrin, group: operations, title: "Head of Clinical Operations"
      influence: 2, interest: 4, stance: supporter
      interests: ["site activation speed"], concerns: ["cell manufacturing slots"]
      knows: [lowell] }

    # HelixGen Biologics (prospect, reachable only through Orrin)
    stakeholder tan { name: "Dr. Mei Ling Tan", org: helixgen, group: executive, title: "Director, Business Development"
      influence: 3, interest: 4, stance: neutral
      interests: ["US clinical partners"], concerns: ["regulatory divergence"]
      knows: [grant] }
    stakeholder lim { name: "Dr. Jun Wei Lim", org: helixgen, group: clinical, title: "Chief Scientific Officer"
      influence: 4, interest: 2, stance: neutral
      interests: ["sequencing volume"], concerns: ["sample export rules"]
      knows: [tan] }

    # Medora Devices GmbH
    stakeholder braun { name: "Tobias Braun", org: medora, group: executive, title: "Key Account Director, North America"
      influence: 3, interest: 4, stance: supporter
      interests: ["multi-year renewal"], concerns: ["competitive tender"]
      knows: [delacroix] }
    stakeholder schulz { name: "Dr. Katrin Schulz", org: medora, group: operations, title: "Head of Clinical Engineering Services"
      influence: 2, interest: 3, stance: neutral
      interests: ["remote diagnostics"], concerns: ["parts logistics"]
      knows: [braun] }

    # Pulsewave Medical B.V. (reachable through Medora)
    stakeholder dejong { name: "Maarten de Jong", org: pulsewave, group: executive, title: "Commercial Director, Americas"
      influence: 3, interest: 4, stance: supporter
      interests: ["reference site"], concerns: ["GPO pricing pressure"]
      knows: [braun] }
    stakeholder visser { name: "Sanne Visser", org: pulsewave, group: clinical, title: "Clinical Nurse Specialist"
      influence: 2, interest: 4, stance: supporter
      interests: ["nurse training"], concerns: ["alarm fatigue"]
      knows: [dejong, holloway] }

    # Lake County Health Department
    stakeholder carter { name: "Dr. Yvonne Carter", org: countyhd, group: payers_regulators, title: "County Health Officer"
      influence: 4, interest: 5, stance: champion
      interests: ["community health data", "maternal outcomes"], concerns: ["funding cuts"]
      knows: [okafor, moreno] }
    stakeholder ruiz { name: "Hector Ruiz", org: countyhd, group: it_data, title: "Lead Epidemiologist"
      influence: 2, interest: 4, stance: supporter
      interests: ["timely data feeds"], concerns: ["small-cell suppression"]
      knows: [carter, parekh] }
    stakeholder lang { name: "Beverly Lang", org: countyhd, group: board, title: "County Commissioner"
      influence: 5, interest: 2, stance: neutral
      interests: ["visible community wins"], concerns: ["budget", "hospital consolidation"]
      knows: [carter, marsh] }

    # Lake State Health Quality Commission
    stakeholder ostrowski { name: "Dr. Paul Ostrowski", org: hqc, group: payers_regulators, title: "Director of Quality Reporting"
      influence: 5, interest: 3, stance: neutral
      interests: ["electronic measures", "statewide benchmarks"], concerns: ["data validity"]
      knows: [lindqvist] }
    stakeholder fenwick { name: "Alice Fenwick", org: hqc, group: payers_regulators, title: "Pilot Program Manager"
      influence: 2, interest: 4, stance: supporter
      interests: ["pilot success"], concerns: ["vendor dependence"]
      knows: [ostrowski, stein] }

    # Blue Meadow Health Plan
    stakeholder hughes { name: "Marcus Hughes", org: bluemeadow, group: payers_regulators, title: "VP Provider Partnerships"
      influence: 4, interest: 5, stance: supporter
      interests: ["lower cost of care", "quality scores"], concerns: ["provider consolidation"]
      knows: [bianchi, brennan] }
    stakeholder rao { name: "Dr. Kavita Rao", org: bluemeadow, group: clinical, title: "Medical Director"
      influence: 3, interest: 4, stance: supporter
      interests: ["prevention programs"], concerns: ["attribution accuracy"]
      knows: [hughes, lindqvist] }
    stakeholder stroud { name: "Brian Stroud", org: bluemeadow, group: executive, title: "CFO"
      influence: 5, interest: 3, stance: skeptic
      interests: ["medical loss ratio"], concerns: ["shared savings payouts"]
      knows: [hughes] }

    # Unity Mutual Health
    stakeholder lawson { name: "Denise Lawson", org: unityplan, group: payers_regulators, title: "Director, Network Contracting"
      influence: 4, interest: 3, stance: neutral
      interests: ["network adequacy"], concerns: ["rate demands"]
      knows: [bianchi] }
    stakeholder hale { name: "Dr. Victor Hale", org: unityplan, group: clinical, title: "Chief Medical Officer"
      influence: 3, interest: 2, stance: neutral
      interests: ["star ratings"], concerns: ["utilization management friction"]
      knows: [lawson] }

    # HopeBridge Foundation
    stakeholder lowe { name: "Patricia Lowe", org: hopebridge, group: executive, title: "Executive Director"
      influence: 3, interest: 5, stance: champion
      interests: ["rural access", "grant impact"], concerns: ["mission drift"]
      knows: [okafor, moreno] }
    stakeholder banda { name: "Joseph Banda", org: hopebridge, group: patients_community, title: "Policy Director"
      influence: 2, interest: 5, stance: champion
      interests: ["legislative wins"], concerns: ["coalition fragmentation"]
      knows: [lowe] }
    stakeholder sterling { name: "Margaret Sterling", org: hopebridge, group: board, title: "Board President"
      influence: 4, interest: 3, stance: supporter
      interests: ["donor confidence"], concerns: ["political exposure"]
      knows: [lowe, marsh] }

    # Heartland Kidney Alliance (reachable through HopeBridge)
    stakeholder novak { name: "Dr. Petra Novak", org: heartland, group: clinical, title: "Medical Advisor"
      influence: 2, interest: 4, stance: supporter
      interests: ["dialysis access"], concerns: ["transport for rural patients"]
      knows: [banda] }
    stakeholder jefferson { name: "Carl Jefferson", org: heartland, group: patients_community, title: "Patient Advocate"
      influence: 1, interest: 5, stance: champion
      interests: ["transplant waitlist awareness"], concerns: ["cost of care"]
      knows: [novak] }

    # Southside Neighbors Network
    stakeholder brooks { name: "Tamika Brooks", org: southside, group: patients_community, title: "Director"
      influence: 3, interest: 5, stance: champion
      interests: ["maternal health successor program", "local hiring"], concerns: ["pilots that end abruptly"]
      knows: [moreno, carter] }
    stakeholder ortega { name: "Luis Ortega", org: southside, group: patients_community, title: "Youth Outreach Coordinator"
      influence: 1, interest: 4, stance: supporter
      interests: ["youth mental health"], concerns: ["stigma"]
      knows: [brooks] }
    stakeholder greene { name: "Rev. Samuel Greene", org: southside, group: board, title: "Board Member"
      influence: 3, interest: 4, stance: supporter
      interests: ["faith-community outreach"], concerns: ["trust in hospitals"]
      knows: [brooks] }

    # Silver Pines Seniors Council (reachable through Heartland, a long chain)
    stakeholder abbott { name: "Doris Abbott", org: silverpines, group: patients_community, title: "Council Chair"
      influence: 2, interest: 3, stance: neutral
      interests: ["transport to appointments"], concerns: ["digital-only services"]
      knows: [jefferson] }
    stakeholder kim { name: "Harold Kim", org: silverpines, group: patients_community, title: "Volunteer Coordinator"
      influence: 1, interest: 2, stance: blocker
      interests: ["in-person visits"], concerns: ["remote monitoring replacing visits", "data sharing"]
      knows: [abbott] }

    # CareLoop
    stakeholder rivera { name: "Sofia Rivera", org: careloop, group: executive, title: "CEO & Co-founder"
      influence: 4, interest: 5, stance: champion
      interests: ["system-wide rollout", "Series B"], concerns: ["slow integration"]
      knows: [castillo, nguyen] }
    stakeholder cho { name: "Daniel Cho", org: careloop, group: it_data, title: "CTO"
      influence: 3, interest: 5, stance: supporter
      interests: ["FHIR integration"], concerns: ["security questionnaires"]
      knows: [rivera, adeyemi] }
    stakeholder hartmann { name: "Felix Hartmann", org: careloop, group: board, title: "Board Member (lead investor)"
      influence: 4, interest: 3, stance: skeptic
      interests: ["exit options"], concerns: ["exclusivity clause", "strategic investor veto"]
      knows: [rivera] }

    # Sanjeevani Digital Health
    stakeholder iyer { name: "Dr. Ramesh Iyer", org: sanjeevani, group: executive, title: "CEO"
      influence: 4, interest: 5, stance: champion
      interests: ["US market entry"], concerns: ["state licensure"]
      knows: [parekh] }
    stakeholder menon { name: "Divya Menon", org: sanjeevani, group: clinical, title: "Head of Clinical Operations"
      influence: 3, interest: 4, stance: supporter
      interests: ["intensivist rosters"], concerns: ["handover quality"]
      knows: [iyer] }
    stakeholder kulkarni { name: "Anil Kulkarni", org: sanjeevani, group: it_data, title: "Data Protection Lead"
      influence: 3, interest: 3, stance: skeptic
      interests: ["clear data processing terms"], concerns: ["cross-border PHI", "audit burden"]
      knows: [menon] }

    # Consolidated Care Purchasing Group
    stakeholder mcallister { name: "Fiona McAllister", org: ccpg, group: operations, title: "VP Member Services"
      influence: 3, interest: 3, stance: neutral
      interests: ["member retention"], concerns: ["members contracting directly"]
      knows: [delacroix] }
    stakeholder forde { name: "Jason Forde", org: ccpg, group: operations, title: "Contract Manager"
      influence: 2, interest: 2, stance: neutral
      interests: ["renewal paperwork"], concerns: ["late notices"]
      knows: [mcallister] }

    # ---------------------------------------------------------------------------
    # Metrics and triggers
    # ---------------------------------------------------------------------------

    metric active_value = agreements | where status == active | summarize sum(value)
    metric active_count = agreements | where status == active | count
    metric pipeline_value = agreements | where status in [proposed, negotiating] | summarize sum(value)
    metric avg_health = agreements | where health != null | summarize avg(health)
    metric avg_attainment = agreements | where status == active and attainment != null | summarize avg(attainment)
    metric value_hhi = agreements | where status == active | summarize hhi(value)
    metric supporters = stakeholders | where stance in [champion, supporter] | count

    trigger expiring on agreements when status in [active, under_review] and notice_by != null and notice_by <= today
    trigger low_health on agreements when status in [active, under_review, suspended] and health_score != null and health_score < 50
    trigger review_overdue on agreements when status in [active, under_review] and review != null and review < today
    trigger kpi_shortfall on agreements when status == active and attainment != null and attainment < 0.8
    trigger blocker_in_power on stakeholders when stance == blocker and influence >= 4
    trigger weak_fit on partners when stage in [piloting, partnered] and fit_score != null and fit_score < 2.5
    """#
}
