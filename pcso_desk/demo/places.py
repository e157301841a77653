"""Place names and phrases for the demo store: Hertfordshire's ten districts, teams and wards.

Public place names only (districts, towns, wards, councils); station addresses and postcodes are
plausible, not looked up. The phrases are what officers typically write, with `{street}` filled
in from the ward's street list. Nothing here names a real person.

The larger tables are indented text read once at import: easier to scan and edit than literals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WardPlace:
    """A ward and the council it reports to; `council` None means the district council."""

    name: str
    code: str
    council: str | None = None
    council_kind: str = "parish"


@dataclass(frozen=True)
class HoodPlace:
    """A Safer Neighbourhood Team area: base station, postcode districts, centre, wards."""

    name: str
    code: str
    station: str
    address: str
    postcode: str
    outward: tuple[str, ...]
    centre: tuple[float, float]
    wards: tuple[WardPlace, ...]


@dataclass(frozen=True)
class DistrictPlace:
    name: str
    code: str
    council: str
    hoods: tuple[HoodPlace, ...]


@dataclass(frozen=True)
class PriorityText:
    """A priority's title and public wording, and its actions as (internal note, public line)."""

    title: str
    public: str
    actions: tuple[tuple[str, str], ...]


def _lines(text: str, sep: str = "\n") -> tuple[str, ...]:
    """The non-blank items of a text list, stripped."""
    return tuple(item.strip() for item in text.split(sep) if item.strip())


def _fields(line: str) -> list[str]:
    return [field.strip() for field in line.split("|")]


def _grouped(text: str) -> dict[str, tuple[str, ...]]:
    """Read "key | item" lines into items grouped by key ("| item" is the key "")."""
    groups: dict[str, list[str]] = {}
    for line in text.strip("\n").splitlines():
        if line.strip():
            key, item = _fields(line)
            groups.setdefault(key, []).append(item)
    return {key: tuple(items) for key, items in groups.items()}


def _districts(text: str) -> tuple[DistrictPlace, ...]:
    """Read the district / team / ward table: indentation is the level; "@" marks the station."""
    tree: list[tuple[list[str], list[tuple[list[str], list[str], list[WardPlace]]]]] = []
    for line in text.strip("\n").splitlines():
        depth, item = (len(line) - len(line.lstrip())) // 2, line.strip()
        if depth == 0:
            tree.append((_fields(item), []))
        elif depth == 1:
            tree[-1][1].append((_fields(item), [], []))
        elif item.startswith("@"):
            tree[-1][1][-1][1].extend(_fields(item[1:]))
        else:
            tree[-1][1][-1][2].append(WardPlace(*_fields(item)))
    return tuple(
        DistrictPlace(name, code, council, tuple(_hood(*hood) for hood in hoods))
        for (name, code, council), hoods in tree
    )


def _hood(fields: list[str], station: list[str], wards: list[WardPlace]) -> HoodPlace:
    name, code, outward, centre = fields
    base, address, postcode = station
    lat, lon = (float(x) for x in centre.split())
    return HoodPlace(
        name, code, base, address, postcode, tuple(outward.split()), (lat, lon), tuple(wards)
    )


def _priorities(text: str) -> dict[str, PriorityText]:
    """Read blocks of "[category] title", the public wording, then "* note" + public line."""
    blocks: dict[str, list[list[str]]] = {}
    for line in text.strip("\n").splitlines():
        if line.startswith("["):
            category, title = line[1:].split("] ", 1)
            block = blocks[category] = [[title, ""]]
        elif line.startswith("* "):
            block.append([line[2:], ""])
        else:
            block[-1][1] = f"{block[-1][1]} {line}".strip()
    return {
        category: PriorityText(head[0], head[1], tuple((n, s) for n, s in actions))
        for category, (head, *actions) in blocks.items()
    }


# District | code | council
#   Team | code | postcode districts | latitude longitude
#     @ base station | address | postcode
#     Ward | code [| council | parish/town]   (no council: the district council)
DISTRICTS = _districts(
    """
Broxbourne | BRX | Broxbourne Borough Council
  Cheshunt | BRX-CH | EN7 EN8 | 51.700 -0.034
    @ Cheshunt Police Station | Turners Hill, Cheshunt | EN8 8LB
    Cheshunt North | BRX-CHN
    Cheshunt South and Theobalds | BRX-CST
    Rosedale and Bury Green | BRX-RBG
    Waltham Cross | BRX-WXC
  Hoddesdon | BRX-HO | EN10 EN11 | 51.762 -0.011
    @ Hoddesdon Police Office | High Street, Hoddesdon | EN11 8BE
    Hoddesdon Town and Rye Park | BRX-HTR
    Hoddesdon North | BRX-HDN
    Broxbourne and Hoddesdon South | BRX-BHS
    Wormley and Turnford | BRX-WOR
Dacorum | DAC | Dacorum Borough Council
  Hemel Hempstead Town | DAC-HT | HP1 HP3 | 51.753 -0.471
    @ Hemel Hempstead Police Station | Combe Street, Hemel Hempstead | HP1 1HL
    Hemel Hempstead Town | DAC-HHT
    Boxmoor | DAC-BOX
    Gadebridge | DAC-GAD
    Chaulden and Warners End | DAC-CWE
  Hemel Hempstead East | DAC-HE | HP2 HP3 | 51.758 -0.440
    @ Adeyfield Police Office | Queen's Square, Hemel Hempstead | HP2 4EW
    Adeyfield East | DAC-ADE
    Highfield | DAC-HIG
    Bennetts End | DAC-BEN
    Nash Mills | DAC-NAS | Nash Mills Parish Council | parish
  Berkhamsted and Northchurch | DAC-BN | HP4 | 51.760 -0.565
    @ Berkhamsted Police Office | High Street, Berkhamsted | HP4 2BW
    Berkhamsted Castle | DAC-BKC | Berkhamsted Town Council | town
    Berkhamsted East | DAC-BKE | Berkhamsted Town Council | town
    Berkhamsted West | DAC-BKW | Berkhamsted Town Council | town
    Northchurch | DAC-NOR | Northchurch Parish Council | parish
East Hertfordshire | EHE | East Hertfordshire District Council
  Hertford | EHE-HF | SG13 SG14 | 51.796 -0.078
    @ Hertford Police Station | Hale Road, Hertford | SG13 8EF
    Hertford Castle | EHE-HFC | Hertford Town Council | town
    Hertford Bengeo | EHE-HFB | Hertford Town Council | town
    Hertford Sele | EHE-HFS | Hertford Town Council | town
    Hertford Kingsmead | EHE-HFK | Hertford Town Council | town
    Hertford Heath | EHE-HHE | Hertford Heath Parish Council | parish
  Ware and Villages | EHE-WV | SG12 SG11 SG9 | 51.811 -0.028
    @ Ware Police Office | Amwell End, Ware | SG12 9HP
    Ware Chadwell | EHE-WCH | Ware Town Council | town
    Ware Priory | EHE-WPR | Ware Town Council | town
    Ware Trinity | EHE-WTR | Ware Town Council | town
    Buntingford | EHE-BUN | Buntingford Town Council | town
    Puckeridge | EHE-PUC | Standon Parish Council | parish
  Bishop's Stortford | EHE-BS | CM23 CM21 | 51.872 0.159
    @ Bishop's Stortford Police Office | Basbow Lane, Bishop's Stortford | CM23 2NA
    Bishop's Stortford Central | EHE-BSC | Bishop's Stortford Town Council | town
    Bishop's Stortford All Saints | EHE-BSA | Bishop's Stortford Town Council | town
    Bishop's Stortford Silverleys | EHE-BSL | Bishop's Stortford Town Council | town
    Sawbridgeworth | EHE-SAW | Sawbridgeworth Town Council | town
Hertsmere | HMR | Hertsmere Borough Council
  Borehamwood | HMR-BW | WD6 | 51.657 -0.272
    @ Borehamwood Police Station | Elstree Way, Borehamwood | WD6 1JR
    Borehamwood Cowley Hill | HMR-BCH | Elstree and Borehamwood Town Council | town
    Borehamwood Hillside | HMR-BHI | Elstree and Borehamwood Town Council | town
    Borehamwood Kenilworth | HMR-BKE | Elstree and Borehamwood Town Council | town
    Borehamwood Brookmeadow | HMR-BBM | Elstree and Borehamwood Town Council | town
  Potters Bar | HMR-PB | EN6 WD7 | 51.694 -0.180
    @ Potters Bar Police Office | The Causeway, Potters Bar | EN6 5HW
    Potters Bar Furzefield | HMR-PBF
    Potters Bar Oakmere | HMR-PBO
    Potters Bar Parkfield | HMR-PBP
    Shenley | HMR-SHE | Shenley Parish Council | parish
  Bushey and Radlett | HMR-BR | WD23 WD7 | 51.650 -0.340
    @ Bushey Police Office | High Street, Bushey | WD23 1TT
    Bushey North | HMR-BYN
    Bushey Park | HMR-BYP
    Bushey Heath | HMR-BYH
    Aldenham East | HMR-ALE | Aldenham Parish Council | parish
North Hertfordshire | NHE | North Hertfordshire Council
  Hitchin | NHE-HI | SG4 SG5 | 51.949 -0.283
    @ Hitchin Police Station | Bancroft, Hitchin | SG5 1JW
    Hitchin Bearton | NHE-HBE
    Hitchin Highbury | NHE-HHB
    Hitchin Oughton | NHE-HOU
    Hitchin Walsworth | NHE-HWA
  Letchworth and Baldock | NHE-LB | SG6 SG7 | 51.978 -0.230
    @ Letchworth Police Station | Nevells Road, Letchworth Garden City | SG6 4UA
    Letchworth Grange | NHE-LGR
    Letchworth South East | NHE-LSE
    Letchworth Wilbury | NHE-LWI
    Baldock Town | NHE-BAL | Baldock Town Council | town
  Royston and Villages | NHE-RV | SG8 SG7 | 52.048 -0.024
    @ Royston Police Office | Melbourn Street, Royston | SG8 7BX
    Royston Heath | NHE-RHE | Royston Town Council | town
    Royston Meridian | NHE-RME | Royston Town Council | town
    Royston Palace | NHE-RPA | Royston Town Council | town
    Ashwell | NHE-ASH | Ashwell Parish Council | parish
St Albans | STA | St Albans City and District Council
  St Albans City | STA-CI | AL1 AL3 | 51.752 -0.336
    @ St Albans Police Station | Victoria Street, St Albans | AL1 3JQ
    St Peters | STA-SPE
    Verulam | STA-VER
    Cunningham | STA-CUN
    Clarence | STA-CLA
  Harpenden | STA-HA | AL5 | 51.816 -0.357
    @ Harpenden Police Office | Vaughan Road, Harpenden | AL5 4HU
    Harpenden East | STA-HEA | Harpenden Town Council | town
    Harpenden North | STA-HNO | Harpenden Town Council | town
    Harpenden South | STA-HSO | Harpenden Town Council | town
    Harpenden West | STA-HWE | Harpenden Town Council | town
  London Colney and Villages | STA-LC | AL2 AL4 AL3 | 51.726 -0.300
    @ London Colney Police Office | High Street, London Colney | AL2 1QP
    London Colney | STA-LCO | London Colney Parish Council | parish
    Colney Heath | STA-CHE | Colney Heath Parish Council | parish
    Wheathampstead | STA-WHE | Wheathampstead Parish Council | parish
    Redbourn | STA-RED | Redbourn Parish Council | parish
Stevenage | STV | Stevenage Borough Council
  Stevenage North | STV-N | SG1 | 51.915 -0.200
    @ Stevenage Police Station | Lytton Way, Stevenage | SG1 1HF
    Old Town | STV-OLD
    Woodfield | STV-WOO
    Symonds Green | STV-SYM
    Martins Wood | STV-MAR
  Stevenage East | STV-E | SG1 SG2 | 51.910 -0.180
    @ Stevenage Police Station | Lytton Way, Stevenage | SG1 1HF
    Pin Green | STV-PIN
    Chells | STV-CHE
    Manor | STV-MAN
    Longmeadow | STV-LON
  Stevenage South | STV-S | SG1 SG2 | 51.895 -0.190
    @ Bedwell Police Office | Bedwell Crescent, Stevenage | SG1 1NJ
    Bedwell | STV-BED
    Shephall | STV-SHE
    Bandley Hill | STV-BAN
    Roebuck | STV-ROE
Three Rivers | TRV | Three Rivers District Council
  Rickmansworth and Chorleywood | TRV-RC | WD3 | 51.639 -0.469
    @ Rickmansworth Police Station | Rectory Road, Rickmansworth | WD3 1FH
    Rickmansworth Town | TRV-RIC | Batchworth Community Council | parish
    Chorleywood North and Sarratt | TRV-CNS | Chorleywood Parish Council | parish
    Chorleywood South and Maple Cross | TRV-CSM | Chorleywood Parish Council | parish
    Moor Park and Eastbury | TRV-MPE | Batchworth Community Council | parish
  Abbots Langley and Leavesden | TRV-AL | WD5 WD4 WD25 | 51.701 -0.416
    @ Abbots Langley Police Office | High Street, Abbots Langley | WD5 0AP
    Abbots Langley and Bedmond | TRV-ALB | Abbots Langley Parish Council | parish
    Gade Valley | TRV-GAD | Abbots Langley Parish Council | parish
    Leavesden | TRV-LEA | Abbots Langley Parish Council | parish
    Kings Langley | TRV-KIN | Kings Langley Parish Council | parish
  South Oxhey and Croxley | TRV-SO | WD19 WD3 | 51.632 -0.384
    @ South Oxhey Police Office | Bridlington Road, South Oxhey | WD19 7AG
    South Oxhey | TRV-SOX | Watford Rural Parish Council | parish
    Carpenders Park | TRV-CAR | Watford Rural Parish Council | parish
    Dickinsons | TRV-DIC | Croxley Green Parish Council | parish
    Durrants | TRV-DUR | Croxley Green Parish Council | parish
Watford | WAT | Watford Borough Council
  Watford Central | WAT-C | WD17 WD18 | 51.657 -0.399
    @ Watford Police Station | Shady Lane, Watford | WD17 1DD
    Central | WAT-CEN
    Park | WAT-PAR
    Nascot | WAT-NAS
    Vicarage | WAT-VIC
  Watford North | WAT-N | WD24 WD25 | 51.680 -0.395
    @ Watford Police Station | Shady Lane, Watford | WD17 1DD
    Callowland | WAT-CAL
    Leggatts | WAT-LEG
    Stanborough | WAT-STA
    Woodside | WAT-WOO
  Watford South | WAT-S | WD18 WD19 | 51.645 -0.395
    @ Watford Police Station | Shady Lane, Watford | WD17 1DD
    Holywell | WAT-HOL
    Oxhey | WAT-OXH
    Meriden | WAT-MER
    Tudor | WAT-TUD
Welwyn Hatfield | WHT | Welwyn Hatfield Borough Council
  Welwyn Garden City | WHT-WG | AL7 AL8 | 51.801 -0.206
    @ Welwyn Garden City Police Station | The Campus, Welwyn Garden City | AL8 6AE
    Handside | WHT-HAN
    Peartree | WHT-PEA
    Panshanger | WHT-PAN
    Hollybush | WHT-HOL
  Hatfield | WHT-HA | AL10 AL9 | 51.763 -0.226
    @ Hatfield Police Office | Town Centre, Hatfield | AL10 0JZ
    Hatfield Central | WHT-HCE | Hatfield Town Council | town
    Hatfield South West | WHT-HSW | Hatfield Town Council | town
    Hatfield East | WHT-HEA | Hatfield Town Council | town
    Hatfield Villages | WHT-HVI | Hatfield Town Council | town
  Welwyn and Villages | WHT-WV | AL6 AL9 | 51.830 -0.215
    @ Welwyn Police Office | Church Street, Welwyn | AL6 9LW
    Welwyn East | WHT-WEE | Welwyn Parish Council | parish
    Welwyn West | WHT-WEW | Welwyn Parish Council | parish
    Brookmans Park and Little Heath | WHT-BPL | North Mymms Parish Council | parish
    Welham Green | WHT-WGR | North Mymms Parish Council | parish
"""
)

STREETS = _lines(
    """
    High Street|Station Road|Church Road|Church Lane|London Road|Victoria Road|Park Road|
    Green Lane|Manor Road|The Avenue|Queens Road|Kings Road|Mill Lane|School Lane|New Road|
    North Road|South Street|West Street|East Street|Chapel Street|Springfield Road|The Crescent|
    Grove Road|Highfield Road|Orchard Close|Meadow Way|Willow Close|Beech Avenue|Oak Road|
    Elm Grove|Ash Close|Cedar Road|Hawthorn Way|Holly Close|Chestnut Drive|Sycamore Road|
    Maple Avenue|Rowan Way|Birch Grove|Laburnum Close|Lime Grove|Poplar Close|Linden Road|
    Alexandra Road|Albert Street|Windsor Road|York Road|Clarence Road|Stanley Road|Cambridge Road|
    Bedford Road|Hitchin Road|Hatfield Road|Luton Road|Watford Road|Hertford Road|Ware Road|
    St Albans Road|Stevenage Road|Bury Lane|Back Lane|Water Lane|Bridge Street|Market Place|
    Market Street|Fore Street|Castle Street|Priory Road|Abbey Road|Vicarage Road|Rectory Lane|
    Parsonage Lane|Farm Close|Field Road|Hill Rise|The Ridgeway|Woodland Way|Wood Lane|
    Heath Road|Common Road|Brook Street|Riverside|Canal Walk|Lock Lane|Wharf Road|Mill Green|
    Gladstone Road|Cromwell Road|Nelson Road|Wellington Road|Marlborough Road|Howard Drive|
    Shakespeare Road|Milton Road|Tennyson Avenue|Chaucer Way|Kipling Close|Dickens Close|
    Nightingale Road|Lark Rise|Kestrel Way|Heron Close|Swallow Close|Falcon Way|Pine Close|
    Fairfield Road|Broadfield Road|Longfield|Ashfield Avenue|Sunnyside|Valley Road|Bell Lane|
    Pound Lane|Cherry Tree Lane|Primrose Hill|Bluebell Close|Foxglove Way|Juniper Close|
    Hazel Grove|Coopers Lane|Bakers Lane|Tanners Way|Weavers Road|Drovers Way|Carters Close
    """,
    sep="|",
)

# data.police.uk categories with rough shares of a county's recorded crime and ASB.
CRIME_TYPES: tuple[tuple[str, int], ...] = tuple(
    (name, int(share))
    for name, share in (
        _fields(line)
        for line in _lines(
            """
            Violence and sexual offences | 30
            Anti-social behaviour | 20
            Public order | 8
            Criminal damage and arson | 8
            Other theft | 7
            Vehicle crime | 7
            Shoplifting | 7
            Burglary | 5
            Drugs | 3
            Other crime | 2
            Robbery | 1
            Bicycle theft | 1
            Theft from the person | 1
            Possession of weapons | 1
            """
        )
    )
)
OUTCOMES = _lines(
    """
    Investigation complete; no suspect identified
    Unable to prosecute suspect
    Under investigation
    Status update unavailable
    Awaiting court outcome
    Local resolution
    Offender given a caution
    Court result unavailable
    Further investigation is not in the public interest
    """
)
CRIME_SPOTS = _lines(
    """
    Supermarket|Parking Area|Petrol Station|Shopping Area|Sports/Recreation Area|Nightclub|
    Further/Higher Educational Building|Hospital|Conference/Exhibition Centre
    """,
    sep="|",
)

# Engagement summaries by issue category (IssueCategory values); none given: a general chat.
ENGAGEMENT_TEXT = _grouped(
    """
    | Reassurance chat on {street}; no concerns raised.
    | Introduced myself to a new resident on {street} and left a team contact card.
    | Passed on crime prevention leaflets on {street}.
    asb | Residents report groups gathering late at night near the shops on {street}.
    asb | Noise and abusive behaviour outside flats on {street} reported again.
    drugs | Suspected drug dealing from a car parked on {street} most evenings.
    drugs | Smell of cannabis and frequent short visits to an address on {street}.
    burglary | Shed broken into on {street}; gave target hardening advice.
    burglary | Resident worried after a burglary two doors down on {street}.
    vehicle_crime | Catalytic converter stolen on {street}; advised on marking and parking.
    vehicle_crime | Vans on {street} tried overnight; advised on tool storage.
    speeding | Cars speeding past the school on {street} at pick-up time.
    speeding | Residents ask for speed checks on {street}; Speedwatch interest.
    parking | Parking on the pavement on {street} blocking buggies and wheelchairs.
    parking | Dangerous parking around the school gates on {street}.
    criminal_damage | Bus shelter on {street} smashed again; reported to the council.
    criminal_damage | Graffiti on garages behind {street}.
    youth_nuisance | Youths riding e-scooters on the pavement on {street}.
    youth_nuisance | Teenagers throwing stones at windows on {street}; spoke with parents.
    fly_tipping | Mattresses and rubble dumped in the lane off {street}; reported to council.
    fly_tipping | Repeat fly-tipping behind the garages on {street}.
    other | Neighbour dispute on {street}; signposted to mediation.
    other | Lost property handed in on {street}; returned to owner.
    """
)

# [category] title / public wording / "* internal note" then its "you said, we did" line.
PRIORITY_TEXT = _priorities(
    """
[asb] Anti-social behaviour around {street} shops
Reduce anti-social behaviour around the {street} shops, especially on Friday and Saturday
evenings.
* Evening high-visibility patrols Fri/Sat.
You told us groups were causing trouble near the {street} shops; we carried out extra
evening patrols.
* Two ASB warning letters issued.
You said the same people were involved; we issued formal anti-social behaviour warnings.
* Met shop owners with council ASB officer.
You asked for joined-up action; we met shopkeepers with the council's anti-social behaviour
team.
[drugs] Drug dealing near {street}
Disrupt drug dealing reported around {street} and keep residents informed.
* Intel submitted; plain-clothes observations.
You reported dealing near {street}; we passed your information on and carried out
observations.
* Warrant executed with the local drugs team.
You said an address was being used for dealing; a warrant was executed and drugs were
seized.
* Community drop-in on drugs awareness.
You asked what to look out for; we held a drop-in session on spotting and reporting drug
dealing.
[burglary] Burglaries in the {street} area
Prevent burglaries and sheds being broken into around {street}.
* Door-knocked 40 homes with advice.
You were worried about burglaries; we visited homes around {street} with crime prevention
advice.
* Handed out shed alarms and UV pens.
You asked how to protect sheds; we handed out shed alarms and property marking kits.
* Extra patrols after dark.
You said break-ins happened after dark; we increased patrols in the evenings.
[vehicle_crime] Thefts from vehicles on {street}
Cut thefts from and of vehicles parked on and around {street}.
* Catalytic converter marking event.
You told us catalytic converters were being stolen; we held a free marking event.
* Leaflet drop on vehicle security.
You asked for advice; we delivered vehicle security leaflets along {street}.
* Early-morning patrols.
You said thefts happened overnight; we patrolled {street} in the early hours.
[speeding] Speeding on {street}
Reduce speeding on {street}, especially at school start and finish times.
* Speed checks with Community Speedwatch.
You said drivers were speeding on {street}; we ran speed checks with Community Speedwatch.
* Warning letters via Speedwatch.
You asked for action; drivers caught speeding were sent warning letters.
* Asked highways for signage review.
You raised road safety; we asked the county council to review signs on {street}.
[parking] Inconsiderate parking on {street}
Tackle pavement and school-gate parking on {street}.
* Joint patrol with civil enforcement.
You reported parking on the pavement; we patrolled {street} with council parking officers.
* School parking campaign.
You said the school run was dangerous; we ran a parking awareness week with the school.
* Notices placed on vehicles.
You asked us to act; we placed advice notices on badly parked vehicles.
[criminal_damage] Criminal damage on {street}
Reduce vandalism and graffiti around {street}.
* Council removed graffiti; patrols.
You reported graffiti; the council removed it and we increased patrols on {street}.
* CCTV request submitted.
You asked for cameras; we supported a request for council CCTV coverage.
* Youth engagement session.
You said young people were involved; we ran a session with the youth club.
[youth_nuisance] Youth nuisance near {street}
Work with young people and partners to reduce nuisance near {street}.
* Youth outreach with council team.
You raised youth nuisance; we worked with youth workers to offer activities nearby.
* Spoke with parents of those involved.
You said the same young people were involved; we spoke with their families.
* E-scooter seizures.
You reported e-scooters on pavements; we seized illegally used e-scooters.
[fly_tipping] Fly-tipping off {street}
Stop repeat fly-tipping in the lanes off {street}.
* Joint operation with council enforcement.
You reported fly-tipping; we worked with the council, who cleared it and investigated.
* Vehicle stopped; waste carrier checks.
You gave us a vehicle description; we stopped it and checked the waste carrier licence.
* Signs and patrols.
You asked for deterrents; warning signs went up and we added the lane to our patrols.
"""
)

KIN_WHY: dict[str, str] = {
    "resident": "Long-standing resident; knows most neighbours on {street}.",
    "business": "Runs a shop on {street}; hears what customers talk about.",
    "community_group": "Chairs the residents' association covering {street}.",
    "school": "Head teacher; sees the school-gate issues on {street}.",
    "faith_group": "Faith leader with a congregation from around {street}.",
    "partner_agency": "Works locally for a partner agency; knows vulnerable households.",
    "councillor": "Ward councillor; residents bring problems to their surgeries.",
    "nhw_coordinator": "Neighbourhood Watch coordinator for {street}.",
}

MESSAGE_TEXT = _grouped(
    """
    request | Can someone come to our residents' meeting?
    request | Request for extra patrols
    request | Speed checks on our road please
    request | Advice on securing my shed
    request | Could the team visit our school assembly?
    information | Suspicious vehicle seen last night
    information | Groups gathering near the park
    information | Fly-tipping in the lane again
    information | Thanks for your help last week
    information | Van parked for days on our street
    dissatisfaction | Nobody came back to me about my report
    dissatisfaction | Unhappy with response time
    dissatisfaction | Complaint about parking near the station
    compliment | Thank you to PCSO for the help with my neighbour
    compliment | Well done on the speed watch
    """
)

OFFENCES = _lines(
    """
    Burglary (dwelling)|Theft from motor vehicle|Theft of motor vehicle|Shed burglary|
    Criminal damage to dwelling|Harassment|Common assault|Hate incident (verbal abuse)|
    Fraud (doorstep)|Malicious communications
    """,
    sep="|",
)
CLOSING_REASONS = _lines(
    """
    Victim content; no further contact wanted.
    Offender charged; case handed to witness care.
    Victim moved out of the area.
    Investigation finalised; victim updated and satisfied.
    """
)
SAFE_CONTACT = _lines(
    """
    Mobile only; do not leave a voicemail.
    Visit in plain clothes if possible.
    Call after 6pm when partner is at work.
    Use email; hard of hearing.
    """
)
PARTNERS = _lines(
    """
    District council community safety officer|Housing association officer|Ward councillor|
    Fire and rescue service|Youth service|Neighbourhood Watch
    """,
    sep="|",
)
FAITH_ORGS = _lines(
    """
    St Mary's Church|St John's Church|Methodist Church|Baptist Church|Central Mosque|
    Gurdwara Sahib|Catholic Church of Our Lady|United Reformed Church|Hindu Mandir|Synagogue
    """,
    sep="|",
)
PARTNER_AGENCIES = _lines(
    """
    Community Safety Partnership|Housing Association|Youth Service|Trading Standards|
    Fire and Rescue Service|Citizens Advice
    """,
    sep="|",
)
BUSINESSES = _lines(
    """
    {street} Pharmacy|{street} Convenience Store|The {last} Arms|{last} & Sons Butchers|
    {street} Post Office|{last}'s Café|{street} Motors|{last} Hair Studio|
    {street} Launderette|{last} Newsagents
    """,
    sep="|",
)
