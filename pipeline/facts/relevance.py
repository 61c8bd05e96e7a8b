"""Is an article economic news?  Facts are read only from articles that report economic figures.

A story about a pupils' survey, a hospital case, a lottery win or a match has figures too; read as
economic facts they are noise in the tables.  The test weighs the words of the economy
(investment, output, trade, prices, public finance, companies) against the words of such stories,
and asks for figures in economic units.  It errs on the side of "economic": an economic article
marked false loses all its facts, a non-economic one marked true only adds a few rows.
"""
from __future__ import annotations

import re
from typing import Final

# Words of economic reporting (each counted once per article).
ECONOMIC_WORDS: Final = re.compile(
    r"投资|项目|产值|生产总值|GDP|增加值|营业收入|营收|销售收入|销售额|销量|进出口|出口|进口|外贸|产能|年产|产量|"
    r"利润|净利|利税|税收|财政|预算|企业|公司|集团|产业|行业|经济|价格|物价|CPI|PPI|消费|零售|工业|制造业|"
    r"开工|投产|签约|募资|融资|订单|合同|市场|股份|收入|成本|规模以上|同比|环比|产业园|开发区|招商|工程|建设"
)
# Words of stories that have figures but are not economic news.
OTHER_WORDS: Final = re.compile(
    r"彩票|中奖|奖金|双色球|大乐透|彩民|患者|病人|病例|医院|医生|手术|治疗|病情|确诊|学生|小学|中学|家长|老师|"
    r"班级|考试|问卷|比赛|冠军|决赛|进球|比分|球队|球员|选手|演唱会|电影|票房|明星|嫌疑人|警方|案件|事故|遇难|"
    r"受伤|天气|气温|降雨|台风"
)
# Figures in the units of economic facts: money, and amounts with 万/亿.
ECONOMIC_FIGURE: Final = re.compile(r"\d[\d.,]*\s*(?:[万亿]+)?\s*(?:元|美元|欧元|港元|日元|英镑|卢比|加元)|\d[\d.,]*\s*[万亿]")


def is_economic(text: str) -> bool:
    """Whether an article body reports economic figures.

    >>> is_economic("鄞州区今年一季度实现地区生产总值300亿元，同比增长8.1%，工业投资增长20%。")
    True
    >>> is_economic("今年第一季度，全区实现进出口总额297亿元，增长27.3%。")
    True
    >>> is_economic("市民张先生购买的一注双色球彩票中奖，奖金500万元，他说将捐出部分奖金。")
    False
    >>> is_economic("调查显示，全市小学生近视率达45%，家长和老师应督促学生多参加户外活动。")
    False
    """
    other = {m.group() for m in OTHER_WORDS.finditer(text)}
    # more economic words than other ones, and at least three where no figure is economic: the
    # distinct economic words are counted only until there are enough (most of them are in the
    # first lines of an economic article, and the search through the rest costs the most)
    enough = len(other) + 1 if ECONOMIC_FIGURE.search(text) else max(3, len(other) + 1)
    economic: set[str] = set()
    for m in ECONOMIC_WORDS.finditer(text):
        economic.add(m.group())
        if len(economic) >= enough:
            return True
    return False
