"""Names for the synthetic partnership: common given names and surnames.

The lists hold common names only. The generator combines them at random, so no generated
person is a real individual. The pools reflect the mix of heritages in an English town, so the
demo exercises apostrophes, hyphens and accented letters the way real records do.
"""

import random
from typing import Literal, NamedTuple

Generation = Literal["child", "adult", "older"]

_MIDDLE_NAME = {"child": 0.55, "adult": 0.3, "older": 0.3}  # share with a second given name
_KNOWN_BY_SHORT_NAME = 0.4  # of children whose first name has a usual short form


class NamePool(NamedTuple):
    """Given names by generation and sex, and surnames, that one strand of the town shares."""

    weight: int
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    older_women: tuple[str, ...]
    older_men: tuple[str, ...]
    surnames: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    """Split a block of whitespace-separated names into a tuple."""
    return tuple(text.split())


def _pairs(text: str) -> dict[str, str]:
    """Split a block of whitespace-separated ``formal:preferred`` pairs into a mapping."""
    split = (pair.partition(":") for pair in text.split())
    return {formal: preferred for formal, _, preferred in split}


_BRITISH = NamePool(
    weight=74,
    girls=_words(
        """
        Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace
        Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Matilda
        Millie Eleanor Jessica Ruby Chloe Lucy Holly Megan Abigail Elizabeth Alexandra Katie
        Erin Niamh Maisie Imogen Scarlett Esme Bethany Lacey Caitlin Hollie Tia Keira Jasmine
        Nevaeh Orla Rhiannon
        """
    ),
    boys=_words(
        """
        Noah Oliver George Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie
        Finley Alfie Thomas William Jacob Isaac Lucas Teddy Alexander James Joshua Samuel
        Benjamin Daniel Ethan Reuben Max Frederick Harrison Mason Jaxon Tyler Riley Kai Callum
        Connor Lewis Matthew Dylan Owen Rhys Jayden Logan Ryan Kieran Liam Ronnie Tommy Elijah
        Zachary
        """
    ),
    women=_words(
        """
        Sarah Emma Laura Rebecca Claire Gemma Hannah Jennifer Kelly Nicola Michelle Lisa Joanne
        Amy Stacey Natalie Samantha Louise Victoria Rachel Kerry Donna Leanne Zoe Jade Charlotte
        Danielle Kirsty Katherine Siobhan Chantelle Shauna Bethan Lauren
        """
    ),
    men=_words(
        """
        David Paul Mark Andrew Richard Daniel Christopher Michael Matthew James Stephen Lee
        Craig Darren Jason Gary Wayne Carl Adam Ryan Liam Jamie Scott Dean Ashley Nathan Robert
        Thomas Sean Gareth Kyle Jordan Aaron Declan Marcus Jermaine
        """
    ),
    older_women=_words(
        """
        Susan Linda Christine Margaret Janet Patricia Carol Elaine Sandra Julie Pauline Karen
        Tracey Deborah Angela Jacqueline Denise Maureen Brenda Gillian Lorraine Sharon Dawn
        Beverley
        """
    ),
    older_men=_words(
        """
        John Peter Alan Keith Brian Terry Graham Kevin Roy Tony Colin Barry Trevor Malcolm Derek
        Nigel Philip Ian Dennis Raymond Geoffrey Clive Desmond Winston
        """
    ),
    surnames=_words(
        """
        Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
        Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patterson
        Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison
        Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
        Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox
        Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman
        Powell Webb Rogers Gray Mason Campbell O'Brien O'Connor MacDonald McKenzie Holmes Lloyd
        Reid Pearson Hunt Fletcher Barnes Atkinson Armstrong Gordon Dixon Hudson Stevens Grant
        Francis Greenwood Ahmed
        """
    ),
)

_SOUTH_ASIAN = NamePool(
    weight=11,
    girls=_words(
        """
        Aisha Fatima Maryam Zara Amira Hafsa Inaya Anaya Aaliyah Noor Khadija Zainab Eshal Hania
        Simran Priya Aditi Sana
        """
    ),
    boys=_words(
        """
        Muhammad Mohammed Ibrahim Yusuf Ayaan Zayn Adam Hamza Ali Omar Arjun Rayan Aarav Musa
        Zakariya Harjeet Dev Ishaan
        """
    ),
    women=_words(
        """
        Nadia Sadia Shabana Ayesha Farah Rubina Sabrina Nazia Parveen Anjali Sunita Rupinder
        Asma Tahira
        """
    ),
    men=_words(
        """
        Imran Asif Tariq Bilal Kamran Naveed Shahid Faisal Rajesh Sanjay Gurpreet Amir Zahid
        Wasim
        """
    ),
    older_women=_words("Shamim Nasreen Razia Kulwant Jamila Bushra"),
    older_men=_words("Mohammed Abdul Mushtaq Gurdev Rashid Mahmood"),
    surnames=_words(
        """
        Khan Ahmed Ali Hussain Patel Shah Iqbal Rahman Akhtar Mahmood Singh Chaudhry Islam
        Sharma Malik Uddin Hassan Mirza Bibi Kaur Qureshi Sandhu
        """
    ),
)

_EASTERN_EUROPEAN = NamePool(
    weight=8,
    girls=_words(
        """
        Zofia Julia Maja Hanna Natalia Oliwia Lena Ioana Maria Gabriela Emilia Alicja Weronika
        Ana
        """
    ),
    boys=_words(
        """
        Jakub Szymon Filip Antoni Kacper Mateusz Andrei Luca Stefan Mikołaj Wiktor Nikola Dawid
        Matei
        """
    ),
    women=_words("Agnieszka Katarzyna Magdalena Joanna Elena Andreea Monika Ewa"),
    men=_words("Tomasz Piotr Marcin Paweł Adrian Ionuț Bogdan Łukasz"),
    older_women=_words("Halina Danuta Krystyna Mariana"),
    older_men=_words("Zbigniew Janusz Gheorghe Vasile"),
    surnames=_words(
        """
        Nowak Wójcik Kowalczyk Mazur Krawczyk Kaczmarek Popescu Ionescu Popa Dumitru Marin
        Kovács Horvath Jankauskas Zając Pietrzak
        """
    ),
)

_WEST_AFRICAN = NamePool(
    weight=7,
    girls=_words(
        """
        Adaeze Chioma Amara Tolulope Zainab Blessing Precious Abena Nia Imani Oluwatoyin Favour
        Esther Chiamaka
        """
    ),
    boys=_words(
        """
        Chidi Emeka Oluwaseun Oluwatobi Kwame Kofi Femi David Samuel Joshua Elijah Daniel
        Ayodele Nathaniel
        """
    ),
    women=_words("Funmilayo Ngozi Adwoa Yetunde Comfort Grace Patience Abimbola"),
    men=_words("Tunde Chinedu Kwabena Olumide Emmanuel Godfrey Ikechukwu Segun"),
    older_women=_words("Victoria Mercy Felicia Beatrice"),
    older_men=_words("Joseph Augustine Festus Kwaku"),
    surnames=_words(
        """
        Okafor Adeyemi Okonkwo Mensah Owusu Adebayo Boateng Eze Nwosu Bello Asante Ogunleye
        Afolabi Oyelaran Appiah Danso
        """
    ),
)

NAME_POOLS: tuple[NamePool, ...] = (_BRITISH, _SOUTH_ASIAN, _EASTERN_EUROPEAN, _WEST_AFRICAN)

# Names a child is often known by instead of the first given name, as formal:preferred.
PREFERRED_NAMES: dict[str, str] = _pairs(
    """
    Abigail:Abbie Alexander:Alex Alexandra:Lexi Benjamin:Ben Charlotte:Lottie Chiamaka:Ada
    Daniel:Danny Eleanor:Ellie Elizabeth:Lizzie Florence:Flo Frederick:Freddie Gabriela:Gabi
    Isabella:Bella Jessica:Jess Joshua:Josh Katie:Kate Matthew:Matty Mohammed:Mo Muhammad:Mo
    Nathaniel:Nate Oliver:Ollie Oluwaseun:Seun Oluwatobi:Tobi Oluwatoyin:Toyin Samuel:Sam
    Theodore:Theo Thomas:Tom Tolulope:Tolu William:Will Zachary:Zac Zofia:Zosia
    """
)


def choose_pool(rng: random.Random) -> NamePool:
    """Choose the strand of the town's population a family's names are drawn from."""
    return rng.choices(NAME_POOLS, weights=[pool.weight for pool in NAME_POOLS])[0]


def choose_surname(rng: random.Random, pool: NamePool) -> str:
    """Choose a surname from a pool."""
    return rng.choice(pool.surnames)


def choose_given_names(rng: random.Random, pool: NamePool, sex: str, generation: Generation) -> str:
    """Choose one or two given names suited to a person's sex and generation."""
    if sex not in {"female", "male"}:
        sex = rng.choice(("female", "male"))
    names = {
        ("child", "female"): pool.girls,
        ("child", "male"): pool.boys,
        ("adult", "female"): pool.women,
        ("adult", "male"): pool.men,
        ("older", "female"): pool.older_women,
        ("older", "male"): pool.older_men,
    }[generation, sex]
    first = rng.choice(names)
    middle = rng.choice(names)
    if middle == first or rng.random() >= _MIDDLE_NAME[generation]:
        return first
    return f"{first} {middle}"


def choose_preferred_name(rng: random.Random, given_names: str) -> str | None:
    """Choose the short name some children are known by, if their first name has one."""
    short = PREFERRED_NAMES.get(given_names.partition(" ")[0])
    if short is None or rng.random() >= _KNOWN_BY_SHORT_NAME:
        return None
    return short
