"""The word lists the anonymisation check reads a story with: pure data, loaded once.

Common English words and common names come from the frequency lists the zxcvbn package
ships (already a dependency: the password deny list), and from the matching capability's
nickname table. Each zxcvbn list keeps a word only in the list where it is most frequent, so
"grace" is a name there and "hope" a word; the check decides on top of that
(``jigsaw.stories.shapes``). The lists below are the partnership's own words: agencies, roles,
services, family words, days and festivals, written with a capital letter but never a name.
"""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from jigsaw.matching.nicknames import nickname_groups
from jigsaw.matching.normalise import compact_name


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Written with a capital letter in safeguarding work, and never a person's name there.
VOCABULARY = _words(
    """
    i mum mums mummy mom dad dads daddy nan nans nana nanna gran granny grandma grandad grandpa
    grandmother grandfather grandparent grandparents auntie aunty aunt uncle mother father
    sister brother stepdad stepmum stepfather stepmother parent parents baby carer carers foster
    fostering kinship young person people child children childs boy girl boys girls teenager
    police officer officers constable sergeant detective inspector pc pcso dc ds cid ppu
    team teams unit service services school schools academy college nursery primary secondary
    sixth form year reception class classes teacher teachers ta tas head headteacher deputy
    designated safeguarding lead leads dsl dsls ddsl senco sendco send ehcp sen pupil pupils
    premium gp gps surgery practice nurse nurses midwife midwives midwifery health visitor
    visitors visiting hospital hospitals ward wards paediatric paediatrics paediatrician
    emergency department a&e ae ed camhs nhs icb mash multi agency agencies hub front door early
    help family families support worker workers social care childrens children's council
    local authority la lado marac mappa idva isva cse cce fgm dv da dash operation encompass
    protection plan plans conference strategy meeting discussion section core group panel
    around tac taf eha cin cp lac cla cyp yot yjs youth justice offending probation housing
    association voluntary charity nspcc childline barnardo's barnardos samaritans refuge
    ofsted dfe dwp universal credit job centre jobcentre foodbank food bank virtual attendance
    welfare ewo community dentist dental pharmacy pharmacist ambulance paramedic paramedics
    court courts magistrates family cafcass solicitor legal plo sure start library mosque
    church temple gurdwara synagogue imam vicar pastor priest club scouts guides maths math
    english science pe pshe rse re art music drama history geography computing ict french
    spanish sats gcse gcses ks1 ks2 ks3 ks4 eyfs term terms christmas easter halloween ramadan
    eid diwali hanukkah whatsapp snapchat instagram tiktok facebook youtube xbox playstation
    fortnite roblox minecraft discord google iphone internet online covid lockdown england
    english british uk wales welsh scotland scottish britain european muslim hindu
    sikh jewish catholic cofe black white asian mixed gypsy roma traveller irish polish
    romanian afghan syrian ukrainian eritrean sudanese kurdish monday tuesday wednesday
    thursday friday saturday sunday january february march july september october november
    december doctor doctors dr consultant matron mr mrs ms miss mx sir dame madam ok okay tv
    """
)

# Titles and the like: the capitalised word after one is a name ("Mrs Baker", "PC Fenwick").
TITLES = _words(
    """
    mr mrs ms miss mx dr sir dame lady lord pc dc ds sgt sergeant constable officer detective
    inspector auntie aunty aunt uncle nan nana nanna gran granny grandma grandad grandpa baby
    nurse doctor master
    """
)

# Words that are both names and words ("Hope", "Grace", "Will"): capitalised in the middle of
# a sentence, each is read as a name. In lower case they are words, and the check looks them up
# in the child index only as names typed carelessly would be (see LOWER_CASE_WORDS).
AMBIGUOUS_NAMES = _words(
    """
    hope grace faith joy may april june august will rose summer autumn winter holly ivy daisy
    poppy amber ruby pearl jade crystal sky skye river storm dawn eve star bella hunter chase
    mark bill jack frank guy sunny honey willow hazel heather iris lily violet jasmine destiny
    harmony liberty serenity patience charity prudence unity precious miracle king prince
    princess angel brook rain ocean phoenix justice robin jay drew sonny rocky penny
    """
)

# Names that are everyday words in lower case ("a mark on her arm", "tensions rose"): a lower
# case word in this list is never looked up in the child index.
LOWER_CASE_WORDS = AMBIGUOUS_NAMES | _words(
    """
    sue pat ray rob bob rod jean carol gene sandy ginger candy cherry dot dean don ken lance
    max miles nick norm pat rich ron sally tom tony van victor wade warren wood young
    """
)

# Months that are also given names; the rest of the months are VOCABULARY.
MONTH_NAMES = _words("april may june august")
SEASONS = _words("spring summer autumn winter")
# Before a month or season they make it a time, not a person ("in May", "last Summer").
TEMPORAL = _words(
    """
    in on since until till by during last next early late mid from before after of this that
    every each throughout through over around
    """
)
# After a season they make it a time ("the Summer term", "Summer holidays").
SEASON_AFTER = _words("term terms half holiday holidays break fair")

# Endings that make an unknown word at the start of a sentence a word, not a name
# ("Worryingly, ..."): names rarely end this way, and known names are checked first.
WORD_ENDINGS = (
    "ly", "ing", "ed", "tion", "sion", "ness", "ment", "ful", "less", "ous", "ive", "able",
    "ible", "ity", "ism", "ist", "ise", "ize", "ance", "ence", "ship", "hood", "wards", "wise",
)  # fmt: skip


@cache
def english_words() -> frozenset[str]:
    """Common English words (Wikipedia and film and TV subtitles), lower case."""
    return frozenset(FREQUENCY_LISTS["english_wikipedia"]) | frozenset(
        FREQUENCY_LISTS["us_tv_and_film"]
    )


@cache
def given_names() -> frozenset[str]:
    """Common given names, in the matcher's compact form ("obrien")."""
    listed = frozenset(FREQUENCY_LISTS["female_names"]) | frozenset(FREQUENCY_LISTS["male_names"])
    nicknames: frozenset[str] = frozenset().union(*nickname_groups())
    return frozenset(compact_name(name) for name in listed) | nicknames


@cache
def known_names() -> frozenset[str]:
    """Common given and family names, in the matcher's compact form."""
    family = frozenset(compact_name(name) for name in surnames())
    return given_names() | family | AMBIGUOUS_NAMES


@cache
def surnames() -> frozenset[str]:
    """Common family names, lower case: many are also words ("green", "young", "hall")."""
    return frozenset(FREQUENCY_LISTS["surnames"])


def is_english(word: str) -> bool:
    """Whether a lower-case word (or its singular, or it without "'s") is a common word."""
    common = english_words()
    if word in common:
        return True
    for ending in ("'s", "\u2019s", "s", "es"):
        if word.endswith(ending) and word[: -len(ending)] in common:
            return True
    return False
