"""The deterministic safety net: finds disclosures of risk in a client's message.

Standard library only and Python 3.10-compatible, because it runs both inside the Rasa NLU pipeline
(``components/safety_net.py``, Python 3.10) and in the action server (Python 3.12).

It favours recall: a missed disclosure costs far more than a false alarm. A message is read in four steps:

1. normalise: fold unicode and apostrophes, lower-case, undo leetspeak, fix common misspellings and short
   forms, and squeeze repeated letters, so "kil", "killl" and "kill" read the same;
2. blank out idioms of this domain ("this worksheet is killing me", "dying to find a therapist");
3. try every registered rule; a match counts unless it is negated ("I'm not suicidal"), plainly in the past
   ("I used to self-harm but I've been clean for years"), about someone else ("my dad was suicidal"), or a
   question about the assistant or a screening form ("what happens if I say I'm in crisis?");
4. the most urgent category wins: medical_emergency > self_harm > abuse.

Past events are set aside only when the sentence says so and nothing in the message points to now ("again",
"lately", "still", "urges"...); a minor's disclosure is never set aside as past. Rules are written in plain
spelling; ``_compile`` squeezes them the same way as the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

RiskCategory = Literal["self_harm", "abuse", "medical_emergency"]

_PRIORITY: tuple[RiskCategory, ...] = ("medical_emergency", "self_harm", "abuse")


@dataclass(frozen=True)
class RiskSignal:
    category: RiskCategory
    minor: bool  # the speaker says or implies they are under 18
    rule: str  # id of the rule that fired; never the user's text


# --- normalisation -------------------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    """Collapse runs of one letter ("diiie" -> "die", "kill" -> "kil"), leaving regex escapes (``\\bb``)."""
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", text)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(_squeeze(pattern))


def _words(*words: str) -> frozenset[str]:
    return frozenset(_squeeze(word) for word in words)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_LEET = (  # letters typed as digits or symbols inside a word: "su1c1de", "k!ll", "$uicide"
    (re.compile(r"(?<=[a-z])[1!|](?=[a-z])"), "i"),
    (re.compile(r"(?<=[a-z])0(?=[a-z])"), "o"),
    (re.compile(r"(?<=[a-z])3(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z])4(?=[a-z])"), "a"),
    (re.compile(r"(?<=[a-z])7(?=[a-z])"), "t"),
    (re.compile(r"\$(?=[a-z])|(?<=[a-z])5(?=[a-z])"), "s"),
    (re.compile(r"@(?=[a-z])"), "a"),
)
_SPACED_APOSTROPHE = re.compile(r"\b(don|can|won|isn|didn|doesn|wasn|aren|wouldn|couldn|haven|hasn|ain) t\b")

# Word-level fixes: misspellings and texting short forms.
_SPELLING = {
    _squeeze(wrong): _squeeze(right)
    for wrong, right in {
        "suicde": "suicide",
        "sucide": "suicide",
        "suiside": "suicide",
        "suicid": "suicide",
        "suiscide": "suicide",
        "sucidal": "suicidal",
        "suicdal": "suicidal",
        "suicidial": "suicidal",
        "sucidial": "suicidal",
        "suisidal": "suicidal",
        "suicidel": "suicidal",
        "myslef": "myself",
        "mysef": "myself",
        "myslf": "myself",
        "mysefl": "myself",
        "mself": "myself",
        "slef": "self",
        "sefl": "self",
        "agian": "again",
        "agin": "again",
        "wnat": "want",
        "wamt": "want",
        "watn": "want",
        "wan": "want",
        "wanna": "want to",
        "wana": "want to",
        "gonna": "going to",
        "finna": "going to",
        "gotta": "got to",
        "killin": "killing",
        "thinkin": "thinking",
        "cuttin": "cutting",
        "hurtin": "hurting",
        "livin": "living",
        "livng": "living",
        "lving": "living",
        "lfie": "life",
        "dieing": "dying",
        "dyin": "dying",
        "breath": "breathe",
        "bout": "about",
        "abt": "about",
        "rn": "right now",
        "tmrw": "tomorrow",
        "tmr": "tomorrow",
        "tonite": "tonight",
        "idk": "i dont know",
        "ngl": "not going to lie",
        "tbh": "to be honest",
        "bc": "because",
        "cuz": "because",
        "coz": "because",
        "tho": "though",
        "u": "you",
        "ur": "your",
        "no1": "no one",
        "noone": "no one",
        "some1": "someone",
        "every1": "everyone",
        "evryone": "everyone",
        "evrybody": "everybody",
        "bf": "boyfriend",
        "gf": "girlfriend",
        "hubby": "husband",
        "mum": "mom",
        "mummy": "mom",
        "mommy": "mom",
        "momma": "mom",
        "mama": "mom",
        "daddy": "dad",
        "stepdad": "step dad",
        "stepfather": "step father",
        "stepmom": "step mom",
        "stepmum": "step mom",
        "stepmother": "step mother",
    }.items()
}

_SHORT_FORMS = tuple(  # spelled-out forms folded into the short ones the rules are written with
    (_compile(pattern), _squeeze(short))
    for pattern, short in (
        (r"\bi am\b|\biam\b|\bi m\b", "im"),
        (r"\bdo not\b", "dont"),
        (r"\bcan ?not\b", "cant"),
        (r"\bwill not\b", "wont"),
        (r"\bdid not\b", "didnt"),
        (r"\bdoes not\b", "doesnt"),
        (r"\bis not\b", "isnt"),
        (r"\bwas not\b", "wasnt"),
        (r"\bare not\b", "arent"),
        (r"\bwould not\b", "wouldnt"),
        (r"\bhave not\b", "havent"),
        (r"\bhas not\b", "hasnt"),
        (r"\bcould not\b", "couldnt"),
        (r"\b(want|wanted|need|going|have|ready|deserve) 2\b", r"\1 to"),  # "want 2 die"
    )
)


def _normalize(text: str) -> str:
    """The form every rule is matched against: lower-case words and , . ! ? separated by single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower().translate(_APOSTROPHES)
    for pattern, letter in _LEET:
        text = pattern.sub(letter, text)
    text = _SPACED_APOSTROPHE.sub(r"\1t", text).replace("'", "")
    text = re.sub(r"[^a-z0-9,.!?]+", " ", text)
    text = re.sub(r"([,.!?])", r" \1 ", text)
    text = " ".join(_SPELLING.get(word, word) for word in _squeeze(text).split())
    for pattern, short in _SHORT_FORMS:
        text = pattern.sub(short, text)
    return text


# --- building blocks for the rules ---------------------------------------------------------------------

_BLOCKS = {
    "<MYSELF>": r"my ?s(?:el|le|e|l)f\b",  # myself, my self, myslef, mysef, myslf
    "<ME>": r"(?:me|us)\b",
    # Up to three words between a subject and its verb ("my dad sometimes hits me"), never a negation.
    "<FILL>": r"(?:(?!(?:not|no|never|dont|doesnt|didnt|wont|wouldnt|isnt|wasnt|hasnt|havent)\b)\w+ ){0,3}",
    "<KIN>": (
        r"(?:mom|mother|dad|father|parents?|step ?(?:dad|father|mom|mother|parent)|brother|sister|siblings?"
        r"|husband|wife|spouse|partner|boyfriend|girlfriend|fiance|ex|uncle|aunt|aunty|auntie|grandpa"
        r"|grandfather|grandma|grandmother|cousin|roommate|flatmate|landlord|boss|manager|coworker|coach"
        r"|pastor|priest|babysitter|caregiver|carer|guardian|foster \w+|family|son|daughter|neighbou?r"
        r"|guy|man|woman|stranger|classmates?|bully|bullies|kids at school)"
    ),
    "<THINK>": (
        r"(?:think(?:ing)?|thought|thoughts|fantasi[sz]e|fantasi[sz]ing|dream(?:ing)?) (?:a lot )?(?:about"
        r"|of)"
    ),
    "<LIVING>": (
        r"(?:living|live|life|being alive|existing|exist|going on|go on|carrying on|carry on|waking up"
        r"|wake up)"
    ),
    "<PILLS>": (
        r"(?:pills?|tablets|meds|medications?|sleeping pills|painkillers|antidepressants|xanax|tylenol|advil"
        r"|ibuprofen|paracetamol|aspirin|insulin|oxy\w*|benadryl|melatonin|benzos|opioids|lithium)"
    ),
    "<TOOK>": r"(?:took|taken|swallowed|ate|downed|popped|necked)",
    "<SUICIDE>": r"su[iy]?[cs]i?de?\b",  # suicide, suicde, sucide, suiside
}
_PRONOUN_SUBJECT = r"(?:he|she|they|hes|shes|theyre|hed|shed|theyd|hel|shel|someone|somebody)\b"
# Who can harm the speaker: relatives, partners, people around them, or just "he/she/they".
_BLOCKS["<PERSON>"] = (
    r"\b(?:(?:(?:my|his|her|our|the|a|moms|dads|some) )?(?:<KIN>|therapist|counsel?lor|teacher|doctor)\b"
    r"|people\b|" + _PRONOUN_SUBJECT + ")"
)
# Threats to kill, minus the people whose "she'll kill me" is a figure of speech (therapist, teacher).
_BLOCKS["<THREATENER>"] = (
    r"\b(?:(?:(?:my|his|her|our|the|a|moms|dads|some) )?<KIN>\b|" + _PRONOUN_SUBJECT + ")"
)


def _expand(pattern: str) -> str:
    for _ in range(2):  # blocks may contain blocks
        for name, value in _BLOCKS.items():
            pattern = pattern.replace(name, value)
    return pattern


# --- rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    rule_id: str
    category: RiskCategory
    pattern: re.Pattern[str]
    check_speaker: bool  # the cue alone does not say whose it is ("suicidal"): rule out a third party


def _rule(rule_id: str, category: RiskCategory, *alternatives: str, check_speaker: bool = False) -> _Rule:
    return _Rule(rule_id, category, _compile("|".join(_expand(part) for part in alternatives)), check_speaker)


_RULES: tuple[_Rule, ...] = (
    # ---- medical emergencies: happening to a body right now, the speaker's or someone else's
    _rule(
        "medical.overdose_taken",
        "medical_emergency",
        r"\b(?:overdosed|oded|took an overdose|taken an overdose|had an overdose)\b",
        r"\bi (?:just |think i |may have |might have )?od\b",  # "I od'd"
    ),
    _rule(
        "medical.whole_supply_taken",
        "medical_emergency",
        r"\b<TOOK> (?:a |the |an |my )?(?:whole|entire|full) (?:bottle|pack|packet|box|strip|container|jar"
        r"|blister)",
    ),
    _rule(
        "medical.many_pills_taken",
        "medical_emergency",
        r"\b<TOOK> (?:like |about |maybe |over |around )?(?:all|every|every single one|\d\d+|twenty|thirty"
        r"|forty|fifty|a dozen|dozens|a (?:lot|bunch|handful|ton|fistful)|handfuls|way too many|too many"
        r"|so many|a bunch)(?: of)?(?: (?:my|the|his|her|those|these|some|moms))? <PILLS>\b"
        # "I took all my meds today like she asked" is taking them as prescribed
        r"(?! (?:today|this morning|tonight|on time|like (?:i|she|he|my|usual|normal|always)"
        r"|as (?:prescribed|usual)|this week|every day|for the))",
    ),
    _rule(
        "medical.poison_swallowed",
        "medical_emergency",
        r"\b(?:drank|swallowed|ingested|drinking|swallowing) (?:some |a bottle of |the |a cup of "
        r"|a glass of )?(?:bleach|poison|antifreeze|drain cleaner|rat poison|pesticide|weed killer"
        r"|lighter fluid|detergent|laundry pods?)",
    ),
    _rule(
        "medical.pills_with_alcohol",
        "medical_emergency",
        r"\bmixed (?:my |the |a bunch of |some |all my )?<PILLS> (?:and|with) (?:\w+ ){0,3}(?:alcohol|vodka"
        r"|wine|booze|drinks|beer|whiskey|liquor)",
    ),
    _rule(
        "medical.cannot_breathe",
        "medical_emergency",
        r"\b(?:cant|can barely|struggling to|hard to|hardly|trouble|difficulty|unable to"
        r"|not able to) (?:breathe|breathing|catch my breath)\b",
        r"\b(?:not|isnt|stopped|wont start|cant hear (?:him|her|them)) breathing\b",
        r"\bturning blue\b|\bthroat is (?:closing|swelling)\b",
    ),
    _rule(
        "medical.chest_pain_stroke",
        "medical_emergency",
        r"\bchest pains?\b|\bpain in my chest\b|\bchest (?:hurts|is hurting|is crushing|feels crushed)\b",
        r"\bcrushing (?:pain|pressure)\b|\bheart attack\b",
        r"\bhaving a stroke\b|\b(?:face|mouth) is drooping\b|\bleft arm (?:is )?(?:numb|tingling)\b",
        r"\bchest\b(?: \w+){0,6} (?:and|,) (?:\w+ ){0,3}arm (?:is |feels |went |has gone )?(?:numb"
        r"|tingling)\b",
        r"\b(?:i think|feels like|i feel like) im dying\b(?! (?:of|from|inside|laughing|to))",
    ),
    _rule(
        "medical.unconscious",
        "medical_emergency",
        r"\b(?:is|hes|shes|theyre|are|lying|laying|found (?:him|her|them)|knocked|went|still"
        r"|been) unconscious\b",
        r"\bunconscious (?:and|on)\b|\bunresponsive\b",
        r"\b(?:passed out|fainted|collapsed) and (?:wont|cant|isnt|is not|not|hit)\b",
        r"\b(?:he|she|they|someone|somebody|my \w+) (?:\w+ )?collapsed\b",
        r"\b(?:he|she|they|hes|shes|theyre|my \w+|the baby|someone|somebody) (?:\w+ )?(?:wont|isnt|not"
        r"|cant be) (?:wake up|waking up|woken up|respond|responding)\b",
        r"\bcant (?:wake|get) (?:him|her|them|my \w+) (?:up|to wake|to respond)",
    ),
    _rule(
        "medical.seizure",
        "medical_emergency",
        r"\b(?:having|had|just had|in the middle of|going into|is having) (?:a )?seizures?\b(?! (?:disorder"
        r"|meds|medication|medicine))",
        r"\bseizing\b|\bconvuls\w+",
    ),
    _rule(
        "medical.heavy_bleeding",
        "medical_emergency",
        r"\bbleeding (?:really |so |very )?(?:a lot|heavily|badly|bad|everywhere|through|out|so much"
        r"|wont stop|and (?:it )?(?:wont|cant) stop)\b",
        r"\b(?:wont|cant|doesnt|isnt|not) stop(?:ping)? (?:the )?bleeding\b",
        r"\b(?:lost|losing) (?:a lot of |so much |too much )?blood\b|\bblood everywhere\b",
        r"\b(?:cut|went) (?:way |much )?too deep\b|\bblood (?:is )?(?:pouring|gushing|soaking)\b"
        r"|\bneed stitches\b",
    ),
    _rule(
        "medical.call_ambulance",
        "medical_emergency",
        r"\b(?:call|calling|need|get|send|called) (?:an |the )?ambulance\b",
        r"\b(?:please|someone|somebody|need to|should i|i need to) call (?:911|999|112)\b",
    ),
    # ---- self_harm: explicit, coded and slang
    _rule("self_harm.kill_myself", "self_harm", r"\b(?:kill|killing|killed|kills) <MYSELF>", r"\bkms\b"),
    _rule(
        "self_harm.off_myself",
        "self_harm",
        # "off" squeezes to "of", so it needs a verb slot before it: "proud of myself" must not match
        r"\b(?:to|i|il|id|wil|could|should|might|just) of+ <MYSELF>|\bofing <MYSELF>",
    ),
    _rule(
        "self_harm.coded_slang",
        "self_harm",
        r"\bun ?aliv\w*|\bsewer ?slide|\bctb\b|\bself ?delete\b|\bdelete <MYSELF>",
    ),
    _rule("self_harm.suicidal", "self_harm", r"su[iy]?[cs]i?di?al\b", check_speaker=True),
    _rule(
        "self_harm.suicide_intent",
        "self_harm",
        r"\b(?:commit\w*|attempt\w*|tried|try|trying|considering|contemplating|planning|plan|thinking about"
        r"|thought about|thoughts of|thoughts about|think about|thinking of|about to) (?:a |my )?<SUICIDE>",
        r"<SUICIDE> (?:attempt|plan|note|letter|pact|is on my mind|has been on my mind|keeps coming up"
        r"|crossed my mind)",
        check_speaker=True,
    ),
    _rule(
        "self_harm.want_to_die",
        "self_harm",
        r"\b(?:want(?:ed|ing)? to|wish(?:ing)? (?:to|i could|i would|i was able to)|need to|ready to"
        r"|deserve to|hope to|hope i|hoping i|plan(?:ning)? to|should(?: just)?|might as well|may as well"
        r"|wish i) (?:just |really |honestly |literally |simply )?die\b(?! (?:my|your|her|his|the) (?:hair"
        r"|clothes|shirt|eyebrows|beard))",
        r"\bfeel(?:ing)? like dying\b(?! (?:of|from|when|laughing|inside))",
        check_speaker=True,
    ),
    _rule(
        "self_harm.wish_dead",
        "self_harm",
        r"\b(?:want to be|wish i (?:was|were)|rather be|better off|be better|id be better) dead\b",
        r"\brather (?:be dead|die) than (?:go on|keep (?:going|living)|live|living|be alive|face|wake up"
        r"|feel)\b",
        r"\bwish (?:i|id|i had) (?:never (?:been )?born|wasnt born|werent born)\b",
        r"\bwish i (?:wasnt|werent|was not|didnt) (?:alive|here|exist|around)\b",
        r"\bwish i could (?:stop existing|cease to exist|not exist)\b",
        check_speaker=True,
    ),
    _rule(
        "self_harm.end_my_life",
        "self_harm",
        r"\b(?:end|ending|ended|take|taking|took) (?:my own|my) life\b",
        r"\bend(?:ing)? it all\b|\bend(?:ing)? my existence\b",
        r"\b<THINK> ending (?:it|things|everything)\b",
    ),
    _rule(
        "self_harm.end_it",
        "self_harm",
        # "I want to end it" fires; "end it with her", "end things after 10 sessions" are about therapy
        r"\b(?:i|im|id|il|ive) (?:\w+ ){0,3}?end(?:ing)? (?:it|things|everything)\b(?! (?:with|off|early"
        r"|after|at|on|this|next|before|for now|there|here|and (?:find|look|switch|get|try|go|move|start)))",
    ),
    _rule(
        "self_harm.no_will_to_live",
        "self_harm",
        r"\b(?:dont|no longer|never|barely|dont really|dont even|dont think i) (?:want to|wish to"
        r"|feel like) (?:live|be alive|exist|be here (?:anymore|any more|any longer|no more"
        r"|on (?:this )?earth)|keep living|keep going(?! to| with| back)|go on(?! with| to)"
        r"|be around anymore|wake up)\b",
        r"\b(?:lost|losing|no|have no|dont have|without) (?:the |my |any )?will to live\b",
        r"\b(?:want|wish i could|need|going) to (?:stop existing|cease to exist|not exist|not be alive"
        r"|stop living)\b",
        r"\b(?:not sure|not sure if|not sure whether|dont know if|dont know whether|unsure if|wonder if"
        r"|wondering if|question whether) (?:i )?(?:want to|can|should) (?:keep )?(?:live|living|be alive"
        r"|go on|exist|be here)\b",
        check_speaker=True,
    ),
    _rule(
        "self_harm.no_point_living",
        "self_harm",
        r"\b(?:no|any|whats the|what is the|dont see (?:the|a|any)|cant see (?:the|a|any)|see no|lost (?:my"
        r"|the|all)|without (?:a|any)|theres no|there is no) (?:point|reason|purpose)(?: anymore| at all"
        r"| for me)? (?:in |of |to |for )?(?:keep )?<LIVING>\b(?! (?:to|with|back))",
        r"\bnothing (?:left )?to live for\b",
        r"\b(?:life|living) (?:isnt|is not|aint|not) worth (?:it|living)\b|\bnot worth living\b",
        r"\b(?:life|living|existing|everything|my life|being alive|existence) (?:is|feels|seems|felt) (?:so "
        r"|completely |totally |just |kind of )?(?:pointless|meaningless|hopeless)\b",
        check_speaker=True,
    ),
    _rule(
        "self_harm.cant_go_on",
        "self_harm",
        r"\b(?:cant|dont think i can|unable to) (?:go on|keep going|keep living|carry on|live like this"
        r"|do life|survive this|take (?:it|the pain|this pain|life) (?:anymore|any more|any longer)"
        r"|handle (?:life|living|being alive))\b(?! (?:with|to))",
    ),
    _rule(
        "self_harm.tired_of_living",
        "self_harm",
        r"\b(?:tired|sick|exhausted) of (?:living|being alive|life|existing|waking up)\b(?! (?:early|at|so"
        r"|for|to|in|with|on|admin))",
        r"\bdone (?:with )?(?:living|life|being alive|existing|it all)\b",
        r"\bgiv(?:e|ing|en)? up on (?:life|living|everything|being alive)\b|\bgave up on (?:life|living"
        r"|everything)\b",
        r"\bwant (?:it all|everything|all of it|the pain|this pain|my life|the hurt|the suffering"
        r"|it to all) to (?:end|stop|be over)\b",
        check_speaker=True,
    ),
    _rule(
        "self_harm.better_off_without_me",
        "self_harm",
        r"\b(?:better|easier|happier) (?:off )?(?:for (?:everyone|everybody|them|my family|all of them"
        r"|the world|my kids) )?(?:to (?:just )?not (?:exist|be here|be alive)|not (?:existing|being here"
        r"|being alive|being around)\b(?! (?:her|him|them|my|the|people|that|this|for|at|in))|without me"
        r"|when im gone|once im gone|after im gone|if i (?:was |were |just )?(?:gone|dead|died|disappeared"
        r"|never existed|wasnt (?:here|around|alive|born)|werent (?:here|around|alive|born)|didnt exist"
        r"|had never been born|was never born|killed <MYSELF>))\b",
    ),
    _rule(
        "self_harm.nobody_would_care",
        "self_harm",
        r"\b(?:no one|nobody|none of them) (?:would|will|wil|wouldnt|is going to)? ?(?:even "
        r"|really )?(?:miss me|(?:notice|care|miss me)(?: at all)? (?:if|when) (?:i|im) (?:die|died|was gone"
        r"|were gone|gone|disappeared|vanished|wasnt here|was dead|killed <MYSELF>|didnt wake up"
        r"|stopped existing|left forever))",
    ),
    _rule(
        "self_harm.burden",
        "self_harm",
        r"\b(?:im|i am|being|feel like|just|such|always) (?:such )?(?:a |an )?"
        r"(?:burden|waste of (?:space|air|oxygen|life))\b"
        # feeling a burden to the therapist is about therapy, not about living
        r"(?! (?:to|on) (?:my |her |him |the )?(?:therapist|counsel?lor|her|him|clinic|sessions?))",
        check_speaker=True,
    ),
    _rule(
        "self_harm.disappear_forever",
        "self_harm",
        r"\b(?:disappear|vanish) (?:forever|for good|permanently|and never come back|from (?:this"
        r"|the) (?:world|earth|planet))\b",
        r"\b(?:wish i could|should|want to|need to|going to|ready to) (?:just )?(?:disappear"
        r"|vanish)(?= *(?:$|[.,!?]|and |sometimes|lately|honestly|to be honest))",
        r"\b(?:want|wish i|ready) (?:to )?(?:be|was|were) gone(?= *(?:$|[.,!?]|forever|for good|and ))",
    ),
    _rule(
        "self_harm.never_wake_up",
        "self_harm",
        r"\bsleep forever\b|\b(?:eternal|permanent) sleep\b|\b(?:sleep|asleep) and (?:never|not|dont) wake\b",
        r"\b(?:never|not) wake up (?:again|ever again)\b|\bto not wake up\b",
        r"\b(?:hope|wish|pray|praying|hoping) (?:that )?(?:i )?(?:just )?(?:wouldnt|dont|never|wont|didnt"
        r"|do not|would not|not) wake up\b",
        r"\bhope i (?:die|dont make it|get hit by)",
    ),
    _rule(
        "self_harm.wont_be_around",
        "self_harm",
        r"\b(?:wont|not going to|will not|not|dont think (?:il|i wil)|dont expect to|doubt il) be (?:here"
        r"|around|alive) (?:much longer|for (?:much )?longer|for long|anymore|any more)\b",
        r"\b(?:picture|picturing|imagine|imagining|plan|planning) my (?:own )?funeral\b",
        r"\bgoodbye forever\b",
    ),
    _rule(
        "self_harm.in_crisis",
        "self_harm",
        r"\bim (?:in|having) (?:a )?(?:mental health )?crisis\b",
        r"\bim not safe\b(?! (?:at|in|around|with|living|home|from))",  # "not safe at home" is abuse
        check_speaker=True,
    ),
    _rule(
        "self_harm.thoughts_of_death",
        "self_harm",
        r"\b<THINK> (?:dying|death|ending my life|not being (?:here|alive|around)|killing <MYSELF>"
        r"|hurting <MYSELF>|jumping)\b",
        r"\b(?:death|dying) (?:is )?all i think about\b",
        r"\bonly (?:way out|option|answer|solution|choice|escape) (?:left )?(?:is|would be) (?:to )?(?:die"
        r"|death|suicide|killing <MYSELF>|ending it)\b",
        r"\b(?:<SUICIDE>|death|dying) (?:is|feels like|seems like|looks like) (?:the|my) only (?:way out"
        r"|option|answer|solution|choice|escape)\b",
        r"\ball i (?:can )?think about is (?:dying|death|suicide|killing <MYSELF>|ending (?:it|my life))\b",
        check_speaker=True,
    ),
    # ---- self_harm: plans and means
    _rule(
        "self_harm.method",
        "self_harm",
        r"\b(?:jump|jumping|jumped|yeet|yeeting|throw <MYSELF>|throwing <MYSELF>) (?:<MYSELF> )?(?:off"
        r"|from) (?:a |the |my |this )?(?:bridge|building|roof|balcony|cliff|overpass|ledge|window|parking)",
        r"\b(?:step|stepping|walk|walking|jump|jumping|throw <MYSELF>|throwing <MYSELF>) (?:in front of"
        r"|into) (?:a |the )?(?:train|bus|car|truck|traffic)",
        r"\b(?:hang|hanging|hanged|shoot|shooting|drown|drowning|suffocate|suffocating|poison|poisoning"
        r"|electrocute|stab|stabbing) <MYSELF>",
        r"\b(?:slit|slitting|slice|slicing|cut|cutting|open) (?:my |open my )?(?:wrists?|throat)\b",
        r"\b(?:use|using|turn|turning) (?:it|them|the knife|a knife|the gun|a gun|the blade|a blade"
        r"|the razor) on <MYSELF>",
        r"\b(?:going to|want to|about to|ready to) jump(?= *(?:$|[.!?]|tonight|now|off))",
        r"\b(?:gun|pistol|barrel) (?:to|in|against) my (?:head|mouth|temple)\b|\bblow my (?:brains"
        r"|head) (?:out|off)\b",
        r"\b(?:crash|crashing|drive|driving|drove|steer|steering) (?:my car |the car )?(?:into|off) (?:a "
        r"|the )?(?:tree|wall|bridge|cliff|truck|oncoming|river|lake)",
    ),
    _rule(
        "self_harm.overdose_intent",
        "self_harm",
        r"\b(?:want to|going to|plan to|planning to|<THINK>|considering|tempted to|urge to|might"
        r"|could just) (?:just )?(?:overdos\w*|od|oding|(?:tak|swallow)\w* all (?:of )?(?:my|the) <PILLS>)\b",
    ),
    _rule(
        "self_harm.stockpile",
        "self_harm",
        r"\b(?:saving|save|saved|stockpil\w+|hoard\w*|collecting|collected|stash\w*|lined up"
        r"|lining up) (?:up )?(?:all )?(?:of )?(?:my |the |some |a bunch of |enough )?<PILLS>",
        r"\bstash of (?:\w+ )?<PILLS>|\b<PILLS> (?:are )?(?:all )?(?:lined up|counted out|ready)\b",
        r"\benough <PILLS> to\b",
    ),
    _rule(
        "self_harm.rope_noose",
        "self_harm",
        r"\b(?:bought|got|getting|buying|have|tied|tying|made|making|found) (?:a |the )?rope\b(?! (?:course"
        r"|swing|ladder|for|light|toy))",
        r"\b(?:tie|tied|tying|made|making|bought) a noose\b",  # not "have a noose": it squeezes to "nose"
    ),
    _rule(
        "self_harm.lethal_research",
        "self_harm",
        r"\b(?:how many|how much|enough) (?:\w+ ){0,2}(?:to |it takes to |it would take to "
        r"|would it take to |would |is |it would take)(?:die|kill|overdose|od\b|end it|be (?:lethal|fatal"
        r"|deadly)|never wake|not wake|lethal|fatal)",
        r"\b(?:lethal|fatal|deadly) (?:dose|doses|amount|overdose)\b|\b(?:painless|quick"
        r"|easy) ways? to die\b",
        r"\b(?:looked|look|looking|searched|search|searching|googled|google|googling|researched|research"
        r"|researching|read up) (?:up )?(?:on )?(?:how many <PILLS>|(?:painless |easy |quick "
        r"|best )?ways? to (?:die|kill <MYSELF>|end it|commit)|how to (?:die|kill <MYSELF>|end it|overdose"
        r"|hang|od)\b|methods? of (?:suicide|killing))",
    ),
    _rule(
        "self_harm.goodbye",
        "self_harm",
        r"\b(?:wrote|writing|write|written|drafted|left|leaving|finished) (?:a |my |the |some )?(?:goodbye"
        r"|good bye|suicide|farewell|final) (?:note|letter|letters|notes|message|messages|video)",
        r"\b(?:letters?|notes?|messages?) (?:to \w+ )?to say goodbye\b",
        r"\bsay(?:ing)? goodbye (?:to everyone|to everybody|to my family|forever)",
        r"\b(?:giving|gave|give|given) away (?:all )?(?:of )?(?:my )?(?:stuff|things|belongings|possessions"
        r"|pets?|cat|dog)\b",
        r"\b(?:picked|chose|chosen|set|have) (?:a |the )?(?:date|day|time|method|place|spot) (?:to do it"
        r"|to die|to end it|to kill <MYSELF>|for my death)\b",
        r"\b(?:have|made|got|making) (?:a |my )?plan (?:to|for) (?:die|dying|kill <MYSELF>|end it"
        r"|end my life|my death|suicide)\b",
    ),
    _rule(
        "self_harm.weapon",
        "self_harm",
        r"\b(?:i|ive|i just) (?:bought|got|have|loaded|am holding|keep) (?:a |my |the )?(?:gun|pistol"
        r"|firearm|revolver)\b(?! (?:license|licence|safety|range|class|course|collection|permit))",
        r"\b(?:keep|hid|hide|hiding|have|bought|got) (?:a |some |my )?(?:razor|razors|razor blades?"
        r"|blades?)\b(?! (?:for (?:my|shaving)|to shave))",
    ),
    # ---- self_harm: hurting oneself
    _rule(
        "self_harm.hurt_myself",
        "self_harm",
        r"\b(?:cut|cuts|burned|burnt|burn|hit|scratched|hurt|stabbed|punched|bruised) (?:my"
        r"|<MYSELF>)(?: \w+){0,2} on purpose\b",
        r"\b(?:cut|cuts|cutting|burn|burns|burning|burned|burnt|scratch|scratching|scratched|hit|hits"
        r"|hitting|punch|punching|punched|harm|harms|harming|harmed|hurt|hurts|hurting|injure|injuring"
        r"|injured|bruise|bruising|carve|carving|carved|stab|stabbing|mutilate|mutilating|starve|starving"
        r"|starved) <MYSELF>",
    ),
    _rule(
        "self_harm.self_harm",
        "self_harm",
        r"\bself ?(?:harm\w*|injur\w*|mutilat\w*)",
        r"\brelaps\w* (?:on |with |into )?(?:self ?harm|sh|cutting)\b",
        check_speaker=True,
    ),
    _rule(
        "self_harm.cutting",
        "self_harm",
        r"\b(?:started|start|starting|been|back to|keep|kept|stop|urge to|urges to|want to|need to"
        r"|tempted to) (?:cutting|cut|burning|harming)\b(?! (?:back|down|out|off|ties|class|corners|it|sugar"
        r"|carbs|coffee|caffeine|people|contact|costs|hair|my hair|the|in|through|a|some|them|him|her"
        r"|sessions?|things))",
        r"\b(?:going to|want to|need to|about to) (?:cut|burn)(?= *(?:$|[.!?]|again|tonight|now))",
        r"\b(?:cutting|burning|harming) again\b|\b(?:fresh|new|deep|more) (?:cuts|burns|scars)\b",
        r"\bcut (?:my|into my) (?:arms?|legs?|wrists?|thighs?|skin|stomach|hips?)\b",
        check_speaker=True,
    ),
    # ---- abuse: harm from someone else
    _rule(
        "abuse.physical",
        "abuse",
        r"<PERSON> <FILL>(?:(?:hit|hits|hitting|beat|beats|beating|beaten|punch|punches|punched|punching"
        r"|kick|kicks|kicked|kicking|slap|slaps|slapped|slapping|choke|chokes|choked|choking|strangle"
        r"|strangles|strangled|strangling|shove|shoves|shoved|shoving|hurt|hurts|hurting|burn|burns|burned"
        r"|burnt|bruised|smack|smacks|smacked|whip|whips|whipped|whooped|spank|spanks|spanked|attack|attacks"
        r"|attacked|abuse|abuses|abused|abusing|stalk|stalks|stalked|stalking|threaten|threatens|threatened"
        r"|threatening) <ME>(?! (?:out|off|on|to))|(?:hits|beats|chokes|hurts|abuses|punches|kicks|slaps|hit"
        r"|beat|choked) my (?:mom|mother|dad|father|sister|brother|siblings?|kids?|children|son|daughter"
        r"|baby)\b|(?:throws|threw|throwing) (?:things|stuff|plates?|a plate|glass|a glass|a bottle|bottles"
        r"|a chair|chairs|a shoe|shoes|a phone|his phone|her phone|a knife|knives|a cup|a mug|a lamp|food"
        r"|dishes|a pan) at <ME>|push(?:es|ed|ing)? <ME> (?:down|over|around|against|off (?:the|a)"
        r"|to the (?:ground|floor)|into (?:a |the )?(?:wall|door|table|floor|ground|car|mirror|stairs"
        r"|counter))|(?:grabbed|grabs|pinned|pins|dragged|drags) <ME> (?:by|down|against|to)\b|(?:locks"
        r"|locked|locking) <ME> (?:in|inside)\b|(?:doesnt|dont|wont|didnt) (?:feed <ME>|let <ME> eat)\b)",
        r"\bbeat <ME> up\b|\bstalk(?:s|ed|ing) <ME>",
        r"<PERSON> <FILL>(?:slammed|slams|smashed|smashes|banged|bangs|hit|hits|punched|punches|kicked|kicks"
        r"|grabbed|grabs|pulled|pulls|twisted|twists|choked|chokes|bit|bites|burned|burns"
        r"|squeezed) my (?:head|face|neck|throat|arm|arms|wrist|hair|body|stomach|chest|back)\b",
        r"\b(?:beats?|beating|beaten|kicks?|kicked|kicking|knocks?|knocked|whoops?|whooped) (?:the )?(?:crap"
        r"|shit|hell|stuffing|life|living daylights|snot) out of <ME>",
    ),
    _rule(
        "abuse.physical_passive",
        "abuse",
        r"\b(?:im|i was|ive been|i have been|i got|i get|i keep getting|im being|been|being|getting"
        r"|get) (?:\w+ )?(?:beaten|beat up|slapped|punched|kicked|choked|strangled|abused|molested|assaulted"
        r"|attacked|threatened|stalked|hit by (?:my|him|her|them|\w+ (?:boyfriend|girlfriend|husband|wife"
        r"|partner|dad|mom|father|mother)))\b",
        r"\b(?:get|got|getting) beat\b(?! (?:at|in|by (?:a|the)))",
        check_speaker=True,
    ),
    _rule(
        "abuse.violent_person",
        "abuse",
        r"<PERSON> (?:\w+ )?(?:is|was|has been|can be|gets|is being|get|getting|becomes) (?:really |very "
        r"|so |super |pretty |physically |sexually |emotionally |verbally |more |violent and )?(?:abusive"
        r"|violent)\b",
        r"\b(?:im|i am|been|stuck|trapped|living|i live|still) in an? (?:abusive|violent) (?:relationship"
        r"|marriage|home|household|situation)",
        r"\bmy (?:abusive|violent) <KIN>\b",
        r"\b(?:experiencing|going through|dealing with|living with|victim of|suffering|subjected to|there is"
        r"|theres) (?:domestic|sexual) (?:violence|abuse|assault)\b",
        r"\b(?:domestic|sexual) (?:violence|abuse) (?:at home|in my (?:home|house|relationship|marriage"
        r"|family))\b",
        check_speaker=True,
    ),
    _rule(
        "abuse.unsafe_at_home",
        "abuse",
        r"\b(?:dont|never|no longer|not|dont really) (?:feel )?safe (?:at home|in my (?:own )?(?:home|house"
        r"|room|place)|around (?:him|her|them|my \w+)|with (?:him|her|them|my \w+)|living with|going home)",
        r"\b(?:feel|im|am) unsafe (?:at home|around|with|in my)\b",
        r"\b(?:afraid|scared|terrified|frightened) (?:to go (?:back )?home|of going home|to be (?:at )?home"
        r"|to go back to (?:him|her|them))",
        r"\b(?:afraid|scared|terrified|frightened) (?:of )?what (?:(?:he|she|they) (?:will|might|would|could"
        r"|is going to|s going to)?|hel|shel|hed|shed|theyl|theyd) ?do\b",
        r"\b(?:afraid|scared|terrified|frightened) of my (?:dad|father|mom|mother|husband|wife|partner"
        r"|boyfriend|girlfriend|step (?:dad|father|mom|mother)|ex|brother|uncle|parents)\b",
        r"\bim in (?:danger|immediate danger)\b",
    ),
    _rule(
        "abuse.threat",
        "abuse",
        r"\bthreat(?:en|ens|ened|ening) (?:to )?(?:kill|hurt|beat|hit|shoot|stab|strangle|choke"
        r"|burn) (?:(?:himself|herself|themselves) and )?(?:me|us|my)\b",
        # threatening suicide to stop the client leaving is coercion
        r"\bthreat(?:en|ens|ened|ening) (?:to )?(?:kill|hurt) (?:himself|herself|themselves) if i\b",
        r"\bthreat(?:en|ens|ened|ening) (?:me|us) (?:with (?:a |his |her )?(?:knife|gun|weapon|bat)|again"
        r"|every)",
        r"\b(?:said|says|swore|told me|keeps saying) (?:that )?(?:he|she|they)?(?:d|l|s|s going to| would"
        r"| will| is going to| was going to| going to) (?:kill|hurt|beat|hit|shoot|stab|strangle) (?:me"
        r"|us)\b",
        r"<THREATENER> <FILL>(?:is going to|will|wil|would|was going to|tried to|tries to|wants to|going to"
        r"|threatened to) (?:kill|hurt|strangle|shoot|stab|choke) <ME>",
        r"\b(?:hel|shel|hed|shed|theyl|theyd) (?:kill|hurt|strangle|shoot|stab) <ME>",
    ),
    _rule(
        "abuse.sexual",
        "abuse",
        r"\braped\b|\brap(?:es|ing|e) <ME>|\bwas rape\b|\bdate rape\b|\bmolest\w*|\bgrop(?:ed|es|ing)\b",
        r"\bsexually (?:abused|assaulted|harassed|abusing|assaulting|touched)\b",
        r"\btouch(?:es|ed|ing)? <ME>(?! (?:deeply|a lot|so much|more than|with (?:her|his|their) (?:kindness"
        r"|words|story|honesty|care)))",
        r"\btouch(?:es|ed|ing)? my (?:private|privates|body|chest|breasts|butt|thighs?|legs|crotch)\b",
        r"\b(?:made|makes|make|forced|forces|force|forcing|pressured|pressures|pressuring|pushes"
        r"|pushed) <ME> (?:into |to )?(?:have sex|sex\b|do (?:sexual|stuff|things) (?:i|that)|do sexual"
        r"|touch (?:him|her|them|his|hers)|watch porn|send (?:nudes|pictures|pics|photos)|sleep with)",
        r"\b(?:asks?|asked|asking|keeps asking|wants) (?:me )?(?:for |to send (?:him |her )?)?(?:nudes"
        r"|naked (?:pictures|pics|photos)|nude (?:pictures|pics|photos))",
        r"\bsends? <ME> (?:nudes|naked|porn|dick pics)",
        r"\b(?:wont|doesnt|didnt) stop (?:touching <ME>|when i (?:say|said) no)\b|\bgroom(?:ed|ing) <ME>",
        r"\bforc(?:ed|es|ing) (?:himself|herself|themselves) (?:on|onto|upon) <ME>",
    ),
    _rule(
        "abuse.control",
        "abuse",
        r"<PERSON> <FILL>(?:wont|doesnt|will not|never|dont) let <ME> (?:leave|go out|see (?:my|anyone)"
        r"|have (?:money|my own money|a phone|my phone)|talk to (?:anyone|my|other)|use (?:my|the) phone"
        r"|work|sleep|eat)\b",
        r"<PERSON> <FILL>(?:controls|takes|took|checks|tracks|monitors|smashed|broke|hides"
        r"|hid) (?:all )?(?:of )?(?:my money|my phone|my location|where i go|who i (?:see|talk to|text)"
        r"|my (?:car )?keys|my passport|my bank)",
    ),
)

# --- context checks ------------------------------------------------------------------------------------

# Idioms of this domain, blanked out before any rule runs. Each stays narrow so it cannot swallow a real cue.
_IDIOMS = _compile(
    "|".join(
        _expand(idiom)
        for idiom in (
            # kill
            r"\b(?:is|are|was|its|thats|this|that|these|it) (?:\w+ )?(?:kind of |kinda |literally |really "
            r"|just )?killing me\b",
            r"\bkill(?:ing|s)? me (?:with (?:these|those|this|the|her|his)|softly)\b",
            r"\bkill(?:ing)? <MYSELF> (?:laughing|trying to|to (?:get|finish|make|keep|do)|over (?:this|that"
            r"|work|homework|it)|at (?:work|the gym)|with work|for (?:this|work|nothing))",
            r"\b(?:could|would|id) kill for\b|\bkill(?:ed|s)? it\b|\bkills? (?:time|the mood)\b|\bkilljoy\b",
            r"\bkill me (?:when|if) \w+ (?:sees?|finds? out about|hears? about|notices?) (?:my|the|this|that"
            r"|how much) (?:\w+ )?(?:grades?|homework|bill|mess|car|report card|score|worksheets?|room"
            r"|spending|marks)",
            r"\bkill me if (?:she|he|they) (?:knew|knows|found out|finds out|saw|sees) (?:that )?(?:i (?:was"
            r"|am|go|went|see|saw)|im) (?:in therapy|seeing (?:a|this) therapist|going to therapy|on meds"
            r"|on medication|here|using this)",
            # die, dead
            r"\bdying (?:to|for)\b|\bdied laughing\b|\bdie laughing\b",
            r"\b(?:die|died|dying) (?:of|from) (?:embarrassment|boredom|laughter|cringe|shame|curiosity)\b",
            r"\b(?:died|passed away|passed) (?:of|from) (?:a |an )?(?:heart attack|stroke|overdose|seizure)",
            r"\bdead (?:tired|serious|quiet|end|on my feet|inside|weight|set)\b",
            r"\bbored (?:me )?to death\b|\bto death (?:with|by)\b|\bbores? me to death\b",
            # hit, hurt, push, touch, beat
            r"\b(?:hit|hits|hitting) (?:me )?(?:up|the roof|a wall|rock bottom)\b",
            r"\b(?:it|that|this|reality|everything|what \w+ said|the truth) (?:really |finally |just "
            r"|kind of |suddenly )?(?:hit|hits) me\b",
            r"\b(?:hit|hits) me (?:hard|with (?:a |an |the |some |that |this |her |his "
            r"|their )?(?:\w+ ){0,2}(?:question|questions|truth|fact|reality|homework|assignment|worksheet"
            r"|bill|news|comment|observation|insight|diagnosis|line|quote|reframe|idea|suggestion|joke"
            r"|curveball|reminder|exercise))",
            r"\b(?:words?|comments?|remarks?|questions?|silence|feedback|approach) (?:\w+ ){0,2}(?:hurts?"
            r"|hurting|hit|hits|touched|touches) me\b",
            r"\bwhat (?:she|he|they|my therapist|you) (?:said|says|say|did|wrote|asked"
            r"|told me)\b(?: \w+){0,5}? (?:really |kind of |kinda |honestly )?(?:hurt|hurts|hit|hits|touched"
            r"|touches) me\b",
            r"\bhurts? (?:me|my feelings) (?:so much |a lot |really )?(?:when|by|with) (?:she |he |they "
            r"|my therapist )?(?:said|says|forgot|forgets|forgetting|ignored|ignores|ignoring|cancel\w*"
            r"|dismiss\w*|laughed|laughs|interrupt\w*|sighed|sighs|rushed|rushes|rushing|compared|compares"
            r"|brushed|brushes|looked|checks|checked|yawned|missed|doubted|judged|told|saying|not|what"
            r"|her words|his words)",
            r"\bpush(?:es|ed|ing)? (?:me|<MYSELF>) (?:to \w+|too (?:hard|much|far)|harder|a bit|a little"
            r"|out of my comfort zone|towards?|on \w+|into (?:therapy|talking|sharing|opening|doing|trying"
            r"|it|this|that|things|journaling|exposure))",
            r"\b(?:really|deeply|truly|kind of|kinda|that|it|this|which|said|words|story|gesture|email"
            r"|letter|card|kindness) touched me\b",
            r"(?:^|(?<=[,.!?] )|(?<=\bit )|(?<=\bhonestly ))beats me\b(?! (?:up|with|every|when|and|again"
            r"|all))",
            r"\bbeats? me to (?:it|the punch)\b|\bbeat(?:ing)? <MYSELF> up\b",
            r"\bbeat (?:me|us) (?:at|in) (?:\w+ )?(?:chess|cards|games?|race|match|tennis|golf|pool|poker"
            r"|scrabble|arguments?|everything)\b",
            # hurting oneself by accident or as a figure of speech
            r"\bcut(?:ting)? <MYSELF> (?:off|some slack|short|a break|out)\b",
            r"\bcut <MYSELF> (?:shaving|cooking|chopping|on (?:a|the) (?:can|glass|paper|knife)|slicing"
            r"|while)",
            r"\bburn(?:ed|t|ing)? <MYSELF> out\b",
            r"\bburn(?:ed|t)? <MYSELF> (?:cooking|on the (?:stove|oven|pan|kettle|iron)|making|while)",
            r"\b(?:cut|hit|burned|burnt|hurt|scratched|bruised|injured) <MYSELF>(?: \w+){0,6} (?:by accident"
            r"|accidentally)\b",
            r"\bhurt <MYSELF> (?:at (?:the gym|work|practice)|playing|lifting|running|working out|skiing"
            r"|hiking|falling|when i fell)",
            # medical words used loosely
            r"\boverdos\w* on (?:coffee|caffeine|sugar|chocolate|candy|self ?help|podcasts|books|tv|netflix"
            r"|youtube|therapy|content|information|advice|worksheets?|homework|memes|tiktok|reality tv)",
            r"\b(?:gave|give|giving|nearly gave|almost gave|almost had|nearly had|going to give) (?:me |her "
            r"|him |us )?(?:a |a mini |a small )?heart attack\b|\bmini heart attack\b",
            r"\bstroke of (?:luck|genius|brilliance)\b",
            r"\bcant breathe (?:in|around|with|near|during) (?:her|him|them|there|that|this|those|these"
            r"|sessions?|therapy|the room|that room|her office|his office|the office|that office|my family"
            r"|group)\b",
            r"\bcant breathe when (?:she|he|they|my therapist|we|im anxious|i get anxious|im stressed"
            r"|im nervous|i panic|im upset|im overwhelmed|anxious|stressed|nervous)\b",
            r"\b(?:finally|can) breathe (?:again|easier)\b|\b(?:makes?"
            r"|made) me (?:feel )?(?:like )?(?:i )?cant breathe\b",
            r"\bunconscious (?:bias|mind|patterns?|thoughts|beliefs|processes|level|motivations?|feelings"
            r"|habits)\b|\bthe unconscious\b",
            r"\bseiz(?:ing|ed) (?:on|upon|the|this|that|an|every|my)\b(?! (?:the )?(?:floor|ground|bed"
            r"|couch))",
            r"\bchoking (?:up|on (?:my|her|his) words)\b|\bchoked up\b",
            r"\bbleeding (?:money|cash|me dry)\b|\b(?:account|wallet|budget|bank) is bleeding\b",
            # therapy business and topics
            r"\bthreat(?:en|ens|ened|ening) (?:me )?(?:to|with) (?:discharge|drop|end|terminat\w*|charge"
            r"|a fee|fees|cancel\w*|stop seeing|refer|a late fee)",
            r"\b(?:specializ\w*|speciali[sz]es|trained|training|expert|works|working|course|class|seminar"
            r"|awareness|month|campaign|documentary|podcast|article|book) (?:in |with |on |about "
            r"|for )?(?:domestic|sexual) (?:violence|abuse)",
            r"\bdisappear (?:into|during|in|from) (?:the|my|sessions?|group|her|a|this)\b",
        )
    )
)

_SENTENCE_END = frozenset({".", "!", "?"})
_BOUNDARIES = _SENTENCE_END | _words(
    ",", "but", "and", "so", "because", "cause", "though", "although", "however", "yet", "then"
)
_NEGATORS = _words(
    "not",
    "no",
    "never",
    "dont",
    "didnt",
    "doesnt",
    "isnt",
    "wasnt",
    "arent",
    "aint",
    "wont",
    "wouldnt",
    "havent",
    "hasnt",
    "hadnt",
    "nor",
    "neither",
    "stopped",
    "quit",
    "zero",
    "without",
)
_SUBJECTS = _words("i", "im", "ive", "id", "il", "my", "he", "she", "they", "hes", "shes", "theyre")
# After these, a new "I ..." stays inside the negation: "I'm not saying I want to die".
_COMPLEMENT_WORDS = _words(
    "saying",
    "say",
    "said",
    "says",
    "mean",
    "meant",
    "think",
    "thinking",
    "thought",
    "feel",
    "feeling",
    "like",
    "that",
    "if",
    "believe",
    "claiming",
    "implying",
    "suggesting",
    "pretend",
    "pretending",
    "as",
    "whether",
    "sure",
)
# Phrases that hold a "no"/"not" but do not negate what follows: "not gonna lie, I want to die".
_NEUTRAL_PHRASES = _compile(
    r"\b(?:dont know|dont even know|not sure|no idea|no one|not going to lie|no lie|no joke|not joking"
    r"|not kidding|not even joking|not exaggerating|not to be dramatic|not trying to be dramatic|no offense"
    r"|doesnt matter|dont care|never thought|no matter|dont get me wrong|whether or not|not only|not just"
    r"|(?:never|havent|didnt|dont|not|cant|couldnt|wont) (?:\w+ )?(?:told|tell|telling|admitted|admit"
    r"|mentioned|mention))\b"
)
_NEGATION_WINDOW = 6  # words looked back from a cue for a negation
_SPEAKER_WINDOW = 8  # words looked back from a cue for whom it is about
_FIRST_PERSON = _words("i", "im", "ive", "id", "il", "me", "my", "myself", "mine")
_THIRD_PARTY = _words(
    "he",
    "she",
    "they",
    "hes",
    "shes",
    "theyre",
    "his",
    "her",
    "their",
    "him",
    "them",
    "friend",
    "friends",
    "sister",
    "brother",
    "mom",
    "mother",
    "dad",
    "father",
    "parent",
    "parents",
    "son",
    "daughter",
    "kid",
    "kids",
    "child",
    "children",
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "uncle",
    "aunt",
    "cousin",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "client",
    "clients",
    "patient",
    "someone",
    "somebody",
    "people",
    "character",
    "coworker",
    "colleague",
    "roommate",
    "classmate",
    "niece",
    "nephew",
    "ex",
    "therapist",
    "everyone",
    "anyone",
    "we",
)

# Long ago, for self-harm and abuse: "used to", "when I was 15", "years ago", "survivor".
_HISTORY = _compile(
    r"\b(?:used to|years ago|a year ago|long time ago|long ago|decades? ago|when i was (?:a |little|young"
    r"|younger|in|\d+|\w+teen)|as a (?:kid|child|teen|teenager|little girl|little boy)|growing up|in the past"
    r"|back then|back in (?:high school|college|school|the day)|in (?:high school|college|my teens"
    r"|my twenties"
    r"|my 20s|my thirties|my 30s|university)|childhood|survivor|clean for|years clean|in recovery"
    r"|havent since"
    r"|since i last)\b"
)
# An emergency is over once it is weeks old or someone has died of it.
_MEDICAL_HISTORY = _compile(
    r"\b(?:years ago|a year ago|months ago|weeks ago|last (?:year|month|summer|spring|winter|fall|autumn)"
    r"|when i was|as a (?:kid|child|baby)|growing up|in (?:high school|college)|in the past|back then|died"
    r"|passed away|funeral|in (?:19|20)\d\d)\b"
)
# Anything in the message that says the risk is current undoes a history marker.
_NOW = _compile(
    r"\b(?:again|lately|recently|these days|right now|tonight|today|this week|this morning|last night"
    r"|yesterday"
    r"|currently|at the moment|still|urges?|relaps\w*|(?:are|is|its|came|coming|come) back"
    r"|every (?:day|night|week)|all the time|keeps?|starting to)\b"
)
# Questions about the assistant or quotes of it: "what happens if I say I'm in crisis?"
_META = _compile(
    r"\bwhat (?:happens|would happen|will happen|do you do|would you do|will you do"
    r"|does (?:it|this|the \w+) do)\b(?: \w+){0,6} (?:if|when)\b"
    r"|\b(?:if|when) (?:someone|somebody|a person|people|a client|clients|a user|users|anyone|you|a patient) "
    r"(?:\w+ )?(?:says?|said|types?|typed|writes?|wrote|mentions?|mentioned|tells?|told|reports?"
    r"|discloses?)\b"
    r"|\b(?:would|will|do|does|can) (?:you|it|this|the \w+)(?: \w+){0,3} if i "
    r"(?:say|said|type|typed|write|wrote|mention|mentioned|tell you|told you)\b"
    r"|\b(?:the|this|your) (?:app|bot|chatbot|assistant|site|website|page|form|screen|banner|popup|pop up"
    r"|message|questionnaire|survey|intake form|intake|leaflet|poster)\b(?: \w+){0,2} "
    r"(?:says?|said|asks?|asked|mentions?|shows?|showed|tells? you|told me)\b"
    r"|\bit says\b"
)
# A screening question being reported ("she asks if I want to hurt myself"), unless answered yes.
_SCREENING = _compile(
    r"\b(?:asks?|asked|asking|questions?|screens?|screened|screening|checks?|checked|checking)(?: \w+){0,3} "
    r"(?:about|if|whether)\b"
)
_AFFIRMED = _compile(
    r"\b(?:i said|i told (?:her|him|them)|i answered|i admitted|and said) "
    r"(?:yes|yeah|yep|that i (?:am|was|do|did|have))\b"
    r"|\b(?:honestly|truthfully|and|but) i (?:am|do|was|did)\b"
)

_AGE = (
    r"(?:[5-9]|1[0-7]|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen)"
)
_MINOR = _compile(
    "|".join(
        (
            r"\b(?:im|iam|me|age|aged|am) (?:only |just |like |a |barely "
            r"|still )*" + _AGE + r"\b(?! (?:sessions?|weeks?|months?|days?|minutes?|mins?|hours?|hrs?"
            r"|times?|percent|of|out|foot|feet|ft|pounds|lbs|kg|miles?|km|years? (?:in|into|sober|clean"
            r"|married)|and a half years))",
            # "a 15 year old" is the speaker, "my 15 year old" is their child
            r"(?<!\bmy )(?<!\bour )(?<!\bhis )(?<!\bher )(?<!\btheir )\b(?:[5-9]|1[0-7]) ?(?:yo|y o|yrs? old"
            r"|years? old|year old)\b",
            r"\b(?:i just turned|just turned|i turn|i turned|im turning|turning) " + _AGE + r"\b",
            r"\bim (?:in|in the) (?:[1-9]|1[0-2])(?:st|nd|rd|th)? grade\b|\bin grade (?:[1-9]|1[0-2])\b",
            r"\b(?:[1-9]|1[0-2])(?:st|nd|rd|th) grader?\b",
            r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
            r"|twelfth) grade\b",
            r"\bim in year (?:[7-9]|1[0-3]|seven|eight|nine|ten|eleven|twelve|thirteen)\b",
            r"\bim (?:in|at) (?:middle school|junior high|high school|elementary school|primary school"
            r"|secondary school|sixth form)\b",
            r"\b(?:freshman|sophomore|junior|senior) (?:in|at) (?:high school|hs)\b|\bmiddle schooler\b",
            r"\bim (?:only |just |still )?(?:a |an )?(?:kid|child|teen|teenager|minor|young teen|little kid"
            r"|preteen|tween)\b|\bim underage\b",
        )
    )
)

# A rule's match counts only when these checks find a live, first-hand disclosure.


def _clause_tail(tokens: list[str], limit: int) -> list[str]:
    """The last ``limit`` words before a cue, stopping at punctuation or a conjunction."""
    tail: list[str] = []
    for token in reversed(tokens):
        if token in _BOUNDARIES or len(tail) == limit:
            break
        tail.append(token)
    return tail[::-1]


def _is_negated(before: list[str], first_word: str) -> bool:
    window = _NEUTRAL_PHRASES.sub(" ", " ".join(_clause_tail(before, _NEGATION_WINDOW))).split()
    for index in range(len(window) - 1, -1, -1):
        if window[index] not in _NEGATORS:
            continue
        previous = window[index]
        for word in [*window[index + 1 :], first_word]:
            if word in _SUBJECTS and previous not in _COMPLEMENT_WORDS:
                return False  # "I'm not ok i want to die": a new clause starts beyond the negation's reach
            previous = word
        return True
    return False


def _is_about_someone_else(before: list[str]) -> bool:
    for word in reversed(_clause_tail(before, _SPEAKER_WINDOW)):
        if word in _FIRST_PERSON:
            return False
        if word in _THIRD_PARTY:
            return True
    return False


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence holding a match: its part before the match, and all of it."""
    opening = max(text.rfind(f" {mark} ", 0, start) for mark in _SENTENCE_END)
    closings = [found for mark in _SENTENCE_END if (found := text.find(f" {mark} ", end)) != -1]
    sentence_start = opening + 2 if opening != -1 else 0
    return text[sentence_start:start], text[sentence_start : min(closings, default=len(text))]


def _is_in_the_past(rule: _Rule, sentence: str, text: str) -> bool:
    if rule.category == "medical_emergency":
        return bool(_MEDICAL_HISTORY.search(sentence))
    return bool(_HISTORY.search(sentence)) and not _NOW.search(text)


def _is_a_question_about_it(prefix: str, text: str) -> bool:
    if _META.search(prefix):
        return True
    return bool(_SCREENING.search(prefix)) and not _AFFIRMED.search(text)


def _live_match(rule: _Rule, text: str, minor: bool) -> bool:
    for match in rule.pattern.finditer(text):
        before = text[: match.start()].split()
        first_word = (match.group(0).split() or [""])[0]
        prefix, sentence = _sentence_around(text, match.start(), match.end())
        if _is_negated(before, first_word) or _is_a_question_about_it(prefix, text):
            continue
        if rule.check_speaker and _is_about_someone_else(before):
            continue
        if not minor and _is_in_the_past(rule, sentence, text):
            continue
        return True
    return False


def detect_risk(text: str) -> RiskSignal | None:
    """The most urgent live disclosure in ``text``, or None."""
    if not text or not text.strip():
        return None
    normalized = _normalize(text)
    minor = bool(_MINOR.search(normalized))
    cleaned = " ".join(_IDIOMS.sub(" _ ", normalized).split())
    fired: dict[str, str] = {}
    for rule in _RULES:
        if rule.category not in fired and _live_match(rule, cleaned, minor):
            fired[rule.category] = rule.rule_id
    for category in _PRIORITY:
        if category in fired:
            return RiskSignal(category=category, minor=minor, rule=fired[category])
    return None


def mentions_risk_language(text: str) -> bool:
    """Whether the message holds words the net knows how to judge (a risk cue or one of this domain's idioms),
    whether or not it fired.

    When it does, the net has weighed negation, idiom, the past and who it is about, so its judgement stands
    over a classifier's guess; a guess only counts for words the net has no rule for.
    """
    if not text or not text.strip():
        return False
    normalized = _normalize(text)
    if _RISK_WORDS.search(normalized) or _IDIOMS.search(normalized):
        return True
    return any(rule.pattern.search(normalized) for rule in _RULES)


# The words the rules are built around; a message holding one of them has been judged by the net.
_RISK_WORDS = _compile(
    r"\b(?:suicid\w*|kill\w*|die|dies|died|dying|dead|death|hurt\w*|harm\w*|violen\w*|abus\w*|hit|hits"
    r"|hitting|beat\w*|rape\w*|assault\w*|seizure\w*|overdos\w*|burden\w*|cut|cuts|cutting|pills?"
    r"|bleed\w*|breath\w*|unsafe|safe|danger\w*|threat\w*|weapon\w*|gun|rope|attempt\w*|end it"
    r"|heart attack)\b"
)
