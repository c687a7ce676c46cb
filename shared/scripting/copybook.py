"""Ad copy and imagery per product category: what the planner fills its scene templates with.

Each category names the trouble, the benefit and the moments a viewer should picture; the
planner turns them into on-screen text, narration lines and visual prompts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    product: str  # what the brand is, when the brief names no brand ("allergy relief")
    trouble: str  # the problem, as a noun phrase that reads after "When ... "
    trouble_short: str  # ≤ 22 characters, for on-screen text
    benefit: str  # what life is like with the product
    benefit_short: str  # ≤ 22 characters
    moment: str  # a lifestyle moment the product gives back
    problem_subject: str
    product_subject: str  # "{brand}" is filled in
    relief_subject: str
    lifestyle_subject: str
    settings: tuple[str, str, str, str, str]  # problem, product, relief, lifestyle, end card
    taglines: tuple[str, ...]


CATEGORIES: dict[str, Category] = {
    "allergy": Category(
        "allergy relief", "sneezing and itchy eyes", "Sneezing again?", "clear, easy breathing",
        "Breathe easy", "a morning walk through the blossoms",
        "a woman sneezing beside an open window as pollen drifts in the air",
        "a {brand} allergy tablet box on a sunlit kitchen counter beside a glass of water",
        "the same woman breathing in deeply on her porch, eyes bright and clear",
        "a family walking through a park full of spring blossoms",
        ("window", "kitchen", "porch", "park", "studio"),
        ("Made for the mornings you love.", "Let the day in.", "Spring, without the sneeze."),
    ),
    "sleep": Category(
        "sleep aid", "restless nights and tired mornings", "Can't switch off?", "deep, restful sleep",
        "Rest well tonight", "waking up refreshed and ready",
        "a man lying awake in a dim bedroom, the clock glowing past midnight",
        "a {brand} box on a bedside table next to a soft reading lamp",
        "the same man sleeping peacefully as blue moonlight falls across the bed",
        "the man stretching by a bright window at sunrise, smiling",
        ("bedroom", "bedside", "night", "sunrise", "studio"),
        ("Sleep that feels like yours again.", "Tonight, rest easy.", "Wake up to more."),
    ),
    "pain": Category(
        "pain relief", "aches that slow you down", "Pain holding you back?", "comfortable, easy movement",
        "Move freely", "an afternoon in the garden",
        "a woman pausing on a staircase, hand pressed to her aching knee",
        "a {brand} package on a bright bathroom shelf",
        "the same woman climbing the stairs lightly, smiling",
        "the woman planting flowers in a sunny garden with her grandson",
        ("stairs", "bathroom", "home", "garden", "studio"),
        ("Get back to what moves you.", "Relief that keeps up.", "Made for moving days."),
    ),
    "skin": Category(
        "skin care", "dry, irritated skin", "Skin flaring up?", "calm, comfortable skin",
        "Comfort, restored", "a day at the beach with friends",
        "a close-up of a hand scratching a red, dry patch on a forearm",
        "a {brand} tube on a white bathroom counter with soft reflections",
        "the same forearm smooth and calm as sunlight warms it",
        "friends laughing on a beach at golden hour",
        ("closeup", "bathroom", "sunlight", "beach", "studio"),
        ("Feel at home in your skin.", "Comfort you can see.", "Skin, at ease."),
    ),
    "coffee": Category(
        "coffee", "slow, sleepy mornings", "Slow start?", "a rich, smooth lift",
        "Rich. Smooth. Ready.", "a lively breakfast with friends",
        "a yawning woman shuffling into a quiet kitchen at dawn",
        "steam rising from a fresh cup of coffee beside a bag of {brand} beans",
        "the woman taking her first sip and smiling as the light comes up",
        "friends sharing coffee and laughter around a sunny café table",
        ("kitchen", "counter", "sunrise", "cafe", "studio"),
        ("Your morning, upgraded.", "Every cup, a fresh start.", "Brewed for good days."),
    ),
    "fitness": Category(
        "running shoes", "heavy legs and tired miles", "Tired legs?", "light, springy strides",
        "Run lighter", "a sunrise run along the river",
        "a runner slowing to a stop on a grey city street, hands on knees",
        "a pair of {brand} running shoes on a concrete step, laces catching the light",
        "the runner lacing up and springing forward with energy",
        "a group of runners crossing a bridge at sunrise",
        ("street", "step", "track", "river", "studio"),
        ("Every mile, lighter.", "Made to move.", "Go further."),
    ),
    "health": Category(
        "treatment", "symptoms that get in the way", "Symptoms in the way?", "more good days",
        "More good days", "time with the people you love",
        "a woman sitting at a kitchen table, tired, cancelling plans on her phone",
        "a {brand} package on a clean pharmacy counter",
        "the same woman walking outside, relaxed and smiling",
        "the woman laughing at a family picnic in a green park",
        ("kitchen", "pharmacy", "street", "park", "studio"),
        ("Live more of your life.", "Here's to more good days.", "Your day, back."),
    ),
    "product": Category(
        "new favourite", "everyday hassles", "Everyday hassle?", "a simpler, better day",
        "Simply better", "a relaxed weekend with friends",
        "a man frowning at a cluttered desk in a busy apartment",
        "the {brand} product on a clean wooden table in soft light",
        "the same man smiling as his day falls into place",
        "friends relaxing together on a sunny balcony",
        ("apartment", "table", "home", "balcony", "studio"),
        ("Made for the way you live.", "Better, every day.", "Simply yours."),
    ),
}  # fmt: skip
