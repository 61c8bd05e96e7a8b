"""The units a quantity may be written in: spelling -> (unit, factor, kind).

Factors convert to the unit, so the multiplier of a written unit (兆瓦, 吉瓦, GWh) is folded
like 万 and 亿 are (20兆瓦 -> 20000 千瓦).  Used by :mod:`pipeline.facts.quantities`, which builds
its candidate regex from these tables.
"""
from __future__ import annotations

import re

from pipeline.facts.numbers import to_halfwidth

MONEY = {
    "元": "CNY", "元人民币": "CNY", "人民币": "CNY", "美元": "USD", "美金": "USD",
    "港元": "HKD", "港币": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP", "韩元": "KRW", "卢比": "INR",
    "加元": "CAD", "加拿大元": "CAD", "澳元": "AUD", "新加坡元": "SGD", "卢布": "RUB", "瑞士法郎": "CHF", "泰铢": "THB",
}
PHYSICAL: dict[str, tuple[str, float]] = {
    "吨": ("吨", 1), "t": ("吨", 1), "公斤": ("公斤", 1), "千克": ("公斤", 1),
    "套": ("套", 1), "台": ("台", 1), "辆": ("辆", 1), "件": ("件", 1),
    "平方米": ("平方米", 1), "平米": ("平方米", 1), "㎡": ("平方米", 1), "m²": ("平方米", 1),
    "平方公里": ("平方公里", 1), "平方千米": ("平方公里", 1), "km²": ("平方公里", 1),
    "亩": ("亩", 1), "公顷": ("公顷", 1),
    "立方米": ("立方米", 1), "立方": ("立方米", 1), "方": ("立方米", 1), "m³": ("立方米", 1),
    "㎥": ("立方米", 1),
    "千瓦时": ("千瓦时", 1), "kWh": ("千瓦时", 1), "度": ("千瓦时", 1),
    "兆瓦时": ("千瓦时", 1e3), "MWh": ("千瓦时", 1e3), "吉瓦时": ("千瓦时", 1e6), "GWh": ("千瓦时", 1e6),
    "马力": ("马力", 1), "千升": ("千升", 1), "台套": ("台套", 1),
    "千瓦": ("千瓦", 1), "kW": ("千瓦", 1), "KW": ("千瓦", 1),
    "兆瓦": ("千瓦", 1e3), "MW": ("千瓦", 1e3), "吉瓦": ("千瓦", 1e6), "GW": ("千瓦", 1e6),
    "标箱": ("标准箱", 1), "标准箱": ("标准箱", 1), "TEU": ("标准箱", 1),  # full names are canonical
    "公里": ("公里", 1), "千米": ("公里", 1), "km": ("公里", 1), "米": ("米", 1),
}
COUNTERS = (
    "人次 辆次 架次 艘次 家 个 人 项 次 户 座 条 张 只 头 名 位 所 栋 幢 间 处 种 款 份 株 棵 场 例 宗 艘 架 枚 "
    "批 篇 片 颗 粒 块 支 瓶 双 箱 根 副 组 盏"  # the product counters a capacity is written in
).split()
RATES = {
    "%": ("%", 1.0, "percent"), "‰": ("‰", 1.0, "percent"), "成": ("%", 10.0, "percent"),
    "个百分点": ("pp", 1.0, "pp"), "百分点": ("pp", 1.0, "pp"), "倍": ("x", 1.0, "multiple"),
}
UNITS: dict[str, tuple[str, float, str]] = (
    {k: (v, 1.0, "money") for k, v in MONEY.items()}
    | {k: (u, float(f), "physical") for k, (u, f) in PHYSICAL.items()}
    | {k: (k, 1.0, "count") for k in COUNTERS}
    | RATES
)
# Units that are ordinary words on their own: 5度 is a temperature, 三方 a
# party count; with 万/亿 in front (1.2亿度, 5万方) they are amounts.
NEEDS_BIG_UNIT = frozenset({"度", "方"})
# Which characters may not follow a unit, because they make it another word.
UNIT_NOT_BEFORE = {
    "个": "月|小时|工作日|星期|礼拜|季度|年头|多月|半月|亿",  # 3个亿 is 3e8, not 3 个
    "成": "[为本果交立员功效长品都型熟套片就绩分份色像形批群规语败全性活年事文婚亲器材了不风家人真行网链线林才图因千]",
    "方": "[面案式向法针位]",
    "位": "数",
    "米": "[粮饭面]",
    "名": "[单称义额]",
    "度": "[假过]",
    "倍": "[体子性]",  # 二倍体, 五倍子
    # product counters that start other words: 3个片区, 两块钱, 5组织, 2支持, 3根据, 4副市长, 2双方
    "片": "[区刻面段]", "块": "钱", "组": "[织团建成合]", "支": "[持付出队撑援]", "根": "[据本源]",
    "副": "[总市区县局主书部处院校科]", "双": "[方边向重休创循]", "瓶": "颈",
}


def lookup_unit(spelling: str) -> tuple[str, float, str] | None:
    """(unit, factor, kind) for a unit as written, or None.

    >>> lookup_unit("兆瓦"), lookup_unit("港币"), lookup_unit("个百分点")
    (('千瓦', 1000.0, 'physical'), ('HKD', 1.0, 'money'), ('pp', 1.0, 'pp'))
    >>> lookup_unit("年") is None
    True
    """
    return UNITS.get(to_halfwidth(spelling))


def unit_regex() -> str:
    """One alternation of every spelling, longest first, with the lookaheads that keep a unit
    from being the start of another word."""
    parts = []
    for spelling in sorted(UNITS, key=len, reverse=True):  # longest first: 个百分点 before 个
        p = re.escape(spelling)
        if spelling in UNIT_NOT_BEFORE:
            p += f"(?!{UNIT_NOT_BEFORE[spelling]})"
        if spelling.isascii() and spelling[-1].isalpha():
            p += "(?![A-Za-z])"  # kW, not the start of kWp; MW, not MWh (tried first anyway)
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"
