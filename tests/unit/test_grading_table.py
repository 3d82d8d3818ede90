"""The shipped banks graded as a fair instructor would: a table of responses (question, response,
accepted or not) across all ten banks, the answers teachers accept in other words and the near
misses that must stay wrong (/work/notes/banks2-variants.md and the two fact checks)."""

from __future__ import annotations

import pytest

from quizapp import qtypes
from quizapp.banks.cards import bank_flashcards
from quizapp.banks.loader import load_paths
from quizapp.qtypes.multiple import all_boxes, fractions
from quizapp.qtypes.numeric import Numeric
from tests.conftest import QUESTIONS

BANKS = load_paths([QUESTIONS])
QUESTION = {
    f"{bank.path.rsplit('/', 1)[-1][:2]}/{question.id}": question.to_data()
    for bank in BANKS.banks
    for question in bank.questions
}

RIGHT, WRONG = True, False
TABLE = [
    # 01 surge-of-chinese-llms
    ("01/ernie-bot-name", "ERNIE Bot", RIGHT),
    ("01/ernie-bot-name", "Baidu's ERNIE Bot", RIGHT),  # the owner named in the question
    ("01/ernie-bot-name", "Baidu ERNIE Bot", RIGHT),
    ("01/ernie-bot-name", "Ernie Bott", RIGHT),  # one edit in a medium answer
    ("01/ernie-bot-name", "ｅｒｎｉｅ ｂｏｔ", RIGHT),  # full-width forms
    ("01/ernie-bot-name", "the ERNIE bot.", RIGHT),
    ("01/ernie-bot-name", "ERNIE 4.0", WRONG),
    ("01/ernie-bot-name", "Alibaba's ERNIE Bot", WRONG),  # an owner the question never names
    ("01/ernie-bot-name", "Baidu", WRONG),
    ("01/ernie-bot-name", "SenseChat", WRONG),
    ("01/alibaba-llm-name", "Alibaba's Tongyi Qianwen", RIGHT),
    ("01/alibaba-llm-name", "Alibaba Tongyi Qianwen", RIGHT),
    ("01/alibaba-llm-name", "Tongyi Qianwin", RIGHT),
    ("01/alibaba-llm-name", "Tongyi-Qianwen", RIGHT),
    ("01/alibaba-llm-name", "Alibaba", WRONG),
    ("01/alibaba-llm-name", "Tencent's Tongyi Qianwen", WRONG),
    ("01/alibaba-llm-name", "SenseChat", WRONG),
    ("01/alibaba-llm-name", "Hunyuan", WRONG),
    ("01/superclue-name", "Super-Clue", RIGHT),
    ("01/superclue-name", "SuperGLUE", WRONG),  # one edit, but another benchmark: reject: lists it
    ("01/huawei-pangu-cloze#2", "Pangu 3.0", RIGHT),
    ("01/huawei-pangu-cloze#2", "Pangu 4.0", WRONG),  # numbers never get typo tolerance
    ("01/consensus-targets-cloze#1", "GPT-3.5", RIGHT),
    ("01/consensus-targets-cloze#1", "GPT-4", WRONG),
    ("01/consensus-targets-cloze#2", "GPT-3.5", WRONG),
    # 02 year-of-ai-unicorns
    ("02/lee-kaifu-venture", "01.AI", RIGHT),
    ("02/lee-kaifu-venture", "01 AI", RIGHT),
    ("02/lee-kaifu-venture", "02.AI", WRONG),
    ("02/wang-xiaochuan-venture", "Baichuan", RIGHT),
    ("02/wang-xiaochuan-venture", "Baichuan A.I.", RIGHT),
    ("02/wang-xiaochuan-venture", "Sogou", WRONG),
    ("02/zhipu-model-name", "Chat-GLM", RIGHT),
    ("02/zhipu-model-name", "GLM", WRONG),
    ("02/wang-huiwen-startup", "Light Years Beyound", RIGHT),
    ("02/wang-huiwen-startup", "Meituan", WRONG),
    ("02/unicorn-split-cloze#1", "four", RIGHT),
    ("02/unicorn-split-cloze#1", "4", RIGHT),
    ("02/unicorn-split-cloze#1", "2", WRONG),
    ("02/zhipu-profile-cloze#2", "2020", RIGHT),
    ("02/zhipu-profile-cloze#2", "2021", WRONG),
    ("02/light-years-deal-cloze#2", "Feb", RIGHT),
    ("02/light-years-deal-cloze#2", "June", WRONG),
    # 03 generative-ai-regulation
    ("03/real-name-dropped", "real-name registration mandate", RIGHT),
    ("03/real-name-dropped", "Real name registration", RIGHT),
    ("03/real-name-dropped", "facial recognition", WRONG),
    ("03/core-values-kind", "core socialist values", RIGHT),
    ("03/core-values-kind", "Socialist", RIGHT),
    ("03/core-values-kind", "capitalist", WRONG),
    ("03/cac-acronym", "the Cyberspace Administration of China", RIGHT),
    ("03/cac-acronym", "Cyberspace Administraton of China", RIGHT),
    ("03/cac-acronym", "Cyberspace Agency", WRONG),
    ("03/blacklist-target", "training data", RIGHT),
    ("03/blacklist-target", "user data", WRONG),
    ("03/final-version-cloze#2", "real name", RIGHT),
    ("03/final-version-cloze#1", "June", WRONG),
    ("03/blacklist-cloze#2", "five percent", RIGHT),
    ("03/blacklist-cloze#2", "5 %", RIGHT),
    ("03/blacklist-cloze#2", "50%", WRONG),
    # 04 public-chatbot-rollouts
    ("04/august-31-cloze#1", "31 Aug", RIGHT),
    ("04/august-31-cloze#1", "Aug 31", RIGHT),
    ("04/august-31-cloze#1", "August 31, 2023", RIGHT),
    ("04/august-31-cloze#1", "31 August 2023", RIGHT),
    ("04/august-31-cloze#1", "August 31st", RIGHT),
    ("04/august-31-cloze#1", "the 31st of August", RIGHT),
    ("04/august-31-cloze#1", "August 30", WRONG),  # one edit away, but a date
    ("04/august-31-cloze#1", "Aug 13", WRONG),
    ("04/august-31-cloze#1", "31 July", WRONG),
    ("04/august-31-cloze#1", "Oct 31", WRONG),
    ("04/august-31-cloze#1", "August", WRONG),
    ("04/august-31-cloze#1", "31", WRONG),
    ("04/august-31-cloze#1", "August 31, 2022", WRONG),  # a year the question never names
    ("04/august-31-cloze#2", "8", RIGHT),
    ("04/august-31-cloze#2", "eight.", RIGHT),
    ("04/august-31-cloze#2", "9", WRONG),
    ("04/rlhf-expansion", "reinforcement learning from human feedback", RIGHT),
    ("04/rlhf-expansion", "Reinforcement Learning from Human Feedbak", RIGHT),
    ("04/rlhf-expansion", "reinforcement learning", WRONG),
    ("04/spark-maker", "iFlytek", RIGHT),
    ("04/spark-maker", "iFlyTek Co.", WRONG),
    ("04/beta-stage", "Beta", RIGHT),
    ("04/beta-stage", "alpha", WRONG),
    # 05 us-chip-export-controls
    ("05/cloze-october-announcement#1", "10 Oct", RIGHT),
    ("05/cloze-october-announcement#1", "October 10, 2023", RIGHT),
    ("05/cloze-october-announcement#1", "10 October 2023", RIGHT),
    ("05/cloze-october-announcement#1", "October 18", WRONG),
    ("05/cloze-october-announcement#1", "October 1", WRONG),
    ("05/cloze-october-announcement#1", "October 17", WRONG),
    ("05/cloze-october-announcement#1", "10 November", WRONG),
    ("05/cloze-october-announcement#1", "October", WRONG),
    ("05/cloze-october-announcement#1", "10", WRONG),
    ("05/executive-order-signer", "President Joseph Biden", RIGHT),
    ("05/executive-order-signer", "Joe Bidden", RIGHT),
    ("05/executive-order-signer", "Jill Biden", WRONG),
    ("05/executive-order-signer", "Hunter Biden", WRONG),
    ("05/executive-order-signer", "Raimondo", WRONG),
    ("05/executive-order-signer", "Donald Trump", WRONG),
    ("05/executive-order-signer", "President", WRONG),
    ("05/commerce-secretary-name", "Commerce Secretary Gina Raimondo", RIGHT),
    ("05/commerce-secretary-name", "U.S. Commerce Secretary Gina Raimondo", RIGHT),
    ("05/commerce-secretary-name", "Gina Raimundo", RIGHT),
    ("05/commerce-secretary-name", "Joe Biden", WRONG),
    ("05/chipmaker-affected", "Nvidia's", RIGHT),
    ("05/chipmaker-affected", "Nvida", RIGHT),
    ("05/chipmaker-affected", "AMD", WRONG),
    ("05/chipmaker-affected", "Intel", WRONG),
    ("05/original-restriction-year", 2022.0, RIGHT),
    ("05/original-restriction-year", 2023.0, WRONG),
    # 06 huawei-ai-computing
    ("06/all-ip-year-strategy", "The All IP initiative", RIGHT),
    ("06/all-ip-year-strategy", "Huawei's All IP", RIGHT),
    ("06/all-ip-year-strategy", "All Cloud", WRONG),
    ("06/all-ip-year-strategy", "IP", WRONG),
    ("06/all-ip-year-strategy", "All Intelligence", WRONG),
    ("06/latest-chip-name", "the Ascend 910B", RIGHT),
    ("06/latest-chip-name", "Huawei's Ascend 910B chip", RIGHT),  # the pattern allows it
    ("06/latest-chip-name", "Ascend-910B", RIGHT),
    ("06/latest-chip-name", "Ascend 910", WRONG),  # one edit, but a different chip
    ("06/atlas-city", "Nanjing", RIGHT),
    ("06/atlas-city", "Nanjin", RIGHT),  # seven letters: one edit
    ("06/atlas-city", "Beijing", WRONG),
    ("06/cloze-strategy-history#2", "2013", RIGHT),
    ("06/cloze-strategy-history#2", "2003", WRONG),
    ("06/all-cloud-year", 2013.0, RIGHT),
    # 07 ai-photographer-goes-viral
    ("07/miaoya-lookalike-of", "the Lensa app", RIGHT),
    ("07/miaoya-lookalike-of", "Lensa AI", RIGHT),
    ("07/miaoya-lookalike-of", "Prisma", WRONG),
    ("07/miaoya-lookalike-of", "Lens", WRONG),
    ("07/miaoya-lookalike-of", "Lenza", WRONG),  # five letters: no typo tolerance
    ("07/miaoya-backer", "Alibaba Group", RIGHT),
    ("07/miaoya-backer", "Tencent", WRONG),
    ("07/barbie-app-name", "45 AI", RIGHT),
    ("07/barbie-app-name", "44AI", WRONG),
    ("07/miaoya-inputs-cloze#2", "twenty", RIGHT),
    ("07/miaoya-inputs-cloze#2", "21", WRONG),
    # 08 global-ai-safety-dialogue
    ("08/declaration-cloze#1", "1 Nov", RIGHT),
    ("08/declaration-cloze#1", "1st Nov", RIGHT),
    ("08/declaration-cloze#1", "November 1, 2023", RIGHT),
    ("08/declaration-cloze#1", "Nov 11", WRONG),
    ("08/declaration-cloze#1", "October 1", WRONG),
    ("08/declaration-cloze#1", "October 18", WRONG),
    ("08/declaration-cloze#3", "the UK", RIGHT),
    ("08/declaration-cloze#3", "U.S.", WRONG),
    ("08/declaration-cloze#3", "England", WRONG),
    ("08/initiative-cloze#2", "President Xi Jinping", RIGHT),
    ("08/initiative-cloze#2", "Li Qiang", WRONG),
    ("08/initiative-cloze#1", "18th", RIGHT),
    ("08/initiative-cloze#1", "10", WRONG),
    ("08/initiative-cloze#1", "8", WRONG),
    ("08/delegation-leader", "Vice Minister Wu Zhaohui", RIGHT),
    ("08/delegation-leader", "Wu Zhaohiu", RIGHT),
    ("08/delegation-leader", "Wu", WRONG),
    ("08/delegation-leader", "Xi Jinping", WRONG),
    ("08/declaration-name", "the Bletchley Declaration", RIGHT),
    ("08/declaration-name", "Bletchly", RIGHT),
    ("08/declaration-name", "Bletchley Park", WRONG),
    ("08/wu-speech-cloze#2", "Science & Technology", RIGHT),
    # 09 love-and-hate-in-deepfake
    ("09/cloned-voice-singer", "Stephanie Sun", RIGHT),
    ("09/cloned-voice-singer", "Stefanie Sun", RIGHT),
    ("09/cloned-voice-singer", "Sun", WRONG),
    ("09/bytedance-labeling-platform", "the Douyin app", RIGHT),
    ("09/bytedance-labeling-platform", "TikTok", WRONG),
    ("09/bytedance-labeling-platform", "Bilibili", WRONG),
    ("09/swift-video-language", "the Mandarin language", RIGHT),
    ("09/swift-video-language", "Mandrin", RIGHT),
    ("09/swift-video-language", "Cantonese", WRONG),
    ("09/swift-video-language", "English", WRONG),
    ("09/swift-video-tool", "Hey-Gen", RIGHT),
    ("09/swift-video-tool", "HeyGem", RIGHT),
    ("09/swift-video-tool", "Synthesia", WRONG),
    ("09/face-swap-scam-cloze#2", "RMB", RIGHT),
    ("09/face-swap-scam-cloze#2", "dollars", WRONG),
    # 10 tang-xiaoou-passes-away
    ("10/second-lab-directorship", "the Pujiang Lab", RIGHT),
    ("10/second-lab-directorship", "Shanghai AI Lab", WRONG),
    ("10/sensetime-chatbot-name", "SenseTime's SenseChat", RIGHT),
    ("10/sensetime-chatbot-name", "SenseTime", WRONG),
    ("10/mentees-cloze#1", "Dr He Kaiming", RIGHT),
    ("10/mentees-cloze#1", "Kaiming", WRONG),
    ("10/mentees-cloze#1", "Dahua Lin", WRONG),  # the other blank's answer
    ("10/cuhk-full-name", "Chinese Univ of Hong Kong", RIGHT),
    ("10/cuhk-full-name", "University of Hong Kong", WRONG),
    ("10/cuhk-full-name", "City University of Hong Kong", WRONG),
    ("10/dahua-lin-creation", "OpenMMLab.", RIGHT),
    ("10/dahua-lin-creation", "MMLab", WRONG),
    ("10/dahua-lin-creation", "ResNet", WRONG),
    ("10/breakthrough-cloze#1", "2014", RIGHT),
    ("10/breakthrough-cloze#1", "2015", WRONG),
    ("10/breakthrough-year", 2014.0, RIGHT),
]


def graded(key: str, response):
    """(right, note) of `response` to the question named `key` ("01/id" or "01/id#blank")."""
    name, _, blank = key.partition("#")
    data = QUESTION[name]
    qtype = qtypes.get(data["type"])
    if blank:
        filled = [""] * int(qtype.present(data, None)["blanks"])
        filled[int(blank) - 1] = response
        grade = qtype.grade(data, filled)
        return grade.parts[int(blank) - 1].right, grade.note
    grade = qtype.grade(data, response)
    return grade.correct, grade.note


def test_the_table_is_long_and_covers_every_bank():
    assert len(TABLE) >= 100
    assert {key[:2] for key, _, _ in TABLE} == {f"{n:02d}" for n in range(1, 11)}
    assert sum(1 for *_, expected in TABLE if not expected) >= 50


@pytest.mark.parametrize(("key", "response", "expected"), TABLE, ids=lambda v: str(v)[:40])
def test_shipped_banks_grade_fairly(key, response, expected):
    assert graded(key, response)[0] is expected


def test_a_close_match_says_so():
    assert graded("01/ernie-bot-name", "Ernie Bott") == (
        True,
        "Accepted: you wrote 'Ernie Bott'; the answer is 'ERNIE Bot'.",
    )
    assert graded("01/ernie-bot-name", "Baidu's ERNIE Bot") == (True, None)


def test_B9_ticking_every_box_scores_nothing_on_every_shipped_question():
    multiple = [data for data in QUESTION.values() if data["type"] == "multiple"]
    assert len(multiple) >= 30
    for data in multiple:
        qtype = qtypes.get("multiple")
        assert qtype.grade(data, list(data["choices"])).fraction == 0, data["id"]
        assert qtype.grade(data, list(data["answers"])).correct, data["id"]
        assert all_boxes(fractions(data)) == 0


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("05/original-restriction-year", "2022"),
        ("06/all-cloud-year", "2013"),
        ("10/breakthrough-year", "2014"),
        ("01/announced-llm-number", "250 LLMs"),
    ],
)
def test_years_show_as_people_write_them(key, shown):
    assert Numeric().answer_text(QUESTION[key]) == shown


def test_year_card_backs_have_no_thousands_separator():
    backs = {card.id: card.back for bank in BANKS.banks for card in bank_flashcards(bank)}
    assert backs["original-restriction-year"].startswith("2022\n")
    assert backs["all-cloud-year"].startswith("2013\n")
    assert backs["breakthrough-year"].startswith("2014\n")
