"""How a figure finds what it is about: one test per construction of real news and per branch of
subject linking (the branch shows in ``Fact.subject_source``).  Sentences are our own, written in
the patterns real pages use."""
from __future__ import annotations

import pytest

from pipeline.facts.reader import extract, extract_facts


def facts_of(text: str, published_at: str = "2021-06-20"):
    return [(f.raw_text, f.fact_type, f.subject, f.subject_source) for f in extract_facts(text, published_at)]


def one(text: str, raw: str, published_at: str = "2021-06-20"):
    found = [f for f in extract_facts(text, published_at) if f.raw_text == raw]
    assert len(found) == 1, (raw, facts_of(text, published_at))
    return found[0]


# --- anaphora -----------------------------------------------------------------------------------

def test_anaphora_该项目_is_the_project_named_before():
    f = one("绿源生物科技项目昨天开工。该项目计划总投资15亿元。", "15亿元")
    assert (f.subject, f.subject_source) == ("绿源生物科技项目", "anaphora")


def test_anaphora_该项目_after_a_project_of_the_same_sentence_is_that_project():
    text = "东湖光电项目进展顺利。其中，总投资20亿元的北斗定位产业基地已开工，该项目由天测科技有限公司建设，建成后可年产定位模组500万片。"
    assert one(text, "500万片").subject == "北斗定位产业基地"


def test_anaphora_此次签约的项目_is_the_project_named_before():
    f = one("城东新区举行光电产业园项目签约仪式。此次签约的项目计划总投资30亿元。", "30亿元")
    assert (f.subject, f.subject_source) == ("光电产业园项目", "anaphora")


def test_anaphora_该园区_is_the_zone_named_before():
    f = one("东湖新材料产业园位于城东。该园区今年实现工业总产值56亿元，同比增长12%。", "56亿元")
    assert (f.subject, f.subject_source) == ("东湖新材料产业园工业总产值", "anaphora")
    assert one("东湖新材料产业园位于城东。该园区今年实现工业总产值56亿元，同比增长12%。", "12%").subject \
        == "东湖新材料产业园工业总产值"


def test_anaphora_园区_alone_is_the_zone_named_before():
    f = one("溪南智能制造产业园去年开园。园区今年力争工业总产值突破40亿元。", "40亿元")
    assert f.subject == "溪南智能制造产业园工业总产值"


def test_anaphora_该公司_is_the_company_named_before():
    f = one("浙江顺安电池股份有限公司是园区龙头企业。该公司一季度营业收入5.8亿元。", "5.8亿元")
    assert (f.subject, f.subject_source) == ("浙江顺安电池股份有限公司营业收入", "anaphora")


def test_anaphora_公司_is_the_company_named_before():
    text = "宁波大江电缆有限公司成立于2003年。目前公司具有年产电缆8万公里的生产能力。"
    f = one(text, "8万公里")
    assert f.subject == "宁波大江电缆有限公司"


def test_anaphora_never_resolves_to_the_metric_word():
    f = one("绿源生物科技项目开工。该项目总投资15亿元。", "15亿元")
    assert f.subject != "总投资" and f.subject == "绿源生物科技项目"


def test_anaphora_with_nothing_named_before_keeps_the_indicator_only():
    assert one("该园区今年实现工业总产值56亿元。", "56亿元").subject == "工业总产值"


# --- the thing built over its investor or host --------------------------------------------------

def test_investor_由X集团投资建设的Y中心_is_Y():
    assert one("由海天集团投资12亿元建设的海天研发中心今天落成。", "12亿元").subject == "海天研发中心"


def test_project_inside_a_named_产业园_is_the_project():
    assert one("湖滨数字经济产业园内的智能传感器项目总投资6亿元。", "6亿元").subject == "智能传感器项目"


def test_Y项目由X控股建设_is_Y():
    f = one("宏达重工项目由远航控股集团建设，总投资5亿元。", "5亿元")
    assert f.subject == "宏达重工项目"


def test_追加投资_then_a_named_line_is_the_line():
    f = one("德国施耐特公司前年在园区设厂。今年再次追加投资2000万欧元，扩建一条精密齿轮生产线。", "2000万欧元")
    assert (f.subject, f.unit) == ("精密齿轮生产线", "EUR")


def test_a_phase_amount_stays_with_the_project_in_view():
    text = "鼎能动力电池产业园项目落户长兴。其中一期投资48亿元，建设8条锂电池自动化生产线。"
    assert one(text, "48亿元").subject == "鼎能动力电池产业园项目"


# --- rates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lead", ["5月当月，", "单季来看，第三季度", "1-5月，", "今年以来，"])
def test_rate_never_takes_a_period_word(lead):
    f = one(f"{lead}全市工业增加值增长9.1%。", "9.1%")
    assert f.subject == "工业增加值"


def test_rate_never_takes_an_actor():
    assert one("据市统计局发布，全市工业增加值增长8%。", "8%").subject == "工业增加值"


def test_rate_alone_in_its_clause_takes_the_indicator_of_the_clause_before():
    f = one("全市社会消费品零售总额186亿元，增长11.2%。", "11.2%")
    assert (f.subject, f.subject_source) == ("社会消费品零售总额", "topic")


def test_rate_of_a_rate_keeps_the_indicator():
    f = one("全市工业增加值120亿元，增长8%，增速比一季度提高1.2个百分点。", "1.2个百分点")
    assert f.subject == "工业增加值" and f.unit == "pp"


def test_contribution_rate_takes_the_contributor():
    f = one("消费对全市经济增长的贡献率为61.5%。", "61.5%")
    assert (f.subject, f.direction) == ("消费", None)


def test_低于_belongs_to_its_own_clause():
    f = one("工业投资增长8.7%，低于全省平均水平1.2个百分点。", "1.2个百分点")
    assert (f.subject, f.direction, f.metric) == ("工业投资", None, "低于")


def test_negative_growth_is_a_fall():
    f = one("全市固定资产投资增长-1.8%。", "1.8%")
    assert (f.value, f.direction) == (1.8, "down")


def test_comparison_base_never_sets_the_period():
    assert one("今年前三季度，全县财政收入比上年同期增长12%。", "12%").period == "2021-01/2021-09"
    assert one("全市工业增加值120亿元，增长8%，增速比一季度提高1.2个百分点。", "8%").period is None


def test_amounts_then_rates_under_分别_pair_in_order():
    text = "全县销售收入5.6亿元，自营出口2380万美元，分别比上年增长18.7%和26.4%。"
    assert [f.subject for f in extract_facts(text) if f.fact_type == "percentage"] == ["销售收入", "自营出口"]


# --- lists --------------------------------------------------------------------------------------

def test_分别_pairs_items_and_figures_in_order_and_keeps_the_last():
    text = "纺织业、化纤业和通用设备制造业分别增长12.1%、18.4%和9.6%。"
    assert [(f.subject, f.value) for f in extract_facts(text)] == [
        ("纺织业", 12.1), ("化纤业", 18.4), ("通用设备制造业", 9.6)]


def test_categories_joined_by_及_stay_whole():
    text = "下降的是衣着、家庭设备用品及维修服务和交通通讯，分别下降4.3%、0.7%和0.8%。"
    assert [f.subject for f in extract_facts(text)] == ["衣着", "家庭设备用品及维修服务", "交通通讯"]
    assert one("烟酒及用品类上涨5.3%。", "5.3%").subject == "烟酒及用品类"


def test_a_category_of_two_words_with_one_rate_stays_whole():
    assert one("医疗保健和个人用品上涨2%。", "2%").subject == "医疗保健和个人用品"


def test_places_listed_under_分别_take_the_indicator():
    text = "城西区和江北县分别实现地区生产总值156亿元和98亿元。"
    assert [f.subject for f in extract_facts(text)] == ["城西区地区生产总值", "江北县地区生产总值"]


def test_均_gives_one_fact_per_item():
    assert [(f.subject, f.subject_source) for f in extract_facts("出口和进口均增长5%。")] == [
        ("出口", "shared"), ("进口", "shared")]


def test_相继_gives_one_fact_per_item_with_its_own_metric():
    found = extract_facts("地区生产总值、工业产值和财政收入相继突破百亿元。")
    assert [(f.subject, f.metric) for f in found] == [
        ("地区生产总值", "地区生产总值"), ("工业产值", "工业产值"), ("财政收入", "财政收入")]


def test_其中_continues_the_series_with_its_item():
    f = one("去年全市粮食产量12.5万吨，其中早稻3.2万吨。", "3.2万吨")
    assert (f.subject, f.subject_source) == ("早稻", "series")


def test_分别_pairs_amounts_with_the_projects_listed():
    found = extract_facts("甬江码头项目和梅园物流项目分别投资8亿元和5亿元。")
    assert [(f.subject, f.value) for f in found] == [("甬江码头项目", 8e8), ("梅园物流项目", 5e8)]


# --- spans: clause boundaries, word edges, fragments ----------------------------------------------

def test_subject_never_crosses_a_clause_boundary():
    found = extract_facts("园区规划面积3平方公里，今年完成工业产值8亿元，同比增长5%。")
    assert [f.subject for f in found] == ["工业产值", "工业产值"]


def jieba_starts(text: str) -> list[int]:
    import jieba

    starts, at = [], 0
    for word in jieba.lcut(text):
        starts.append(at)
        at += len(word)
    return starts


def test_subject_never_starts_inside_a_word():
    # 有 stops a name read leftwards, but here it starts the word 有色金属: jieba's words say so
    text = "溪口镇新建有色金属冶炼项目总投资6亿元。"
    assert extract(text, "2021-06-20")[0][0].subject == "色金属冶炼项目"  # without word edges
    facts, projects = extract(text, "2021-06-20", word_starts=jieba_starts(text))
    assert facts[0].subject == "有色金属冶炼项目"
    assert [p.name for p in projects] == ["有色金属冶炼项目"]
    text = "本次半导体封装项目计划总投资6亿元。"  # 本次 is a word: never 次半导体…
    assert extract(text, "2021-06-20", word_starts=jieba_starts(text))[0][0].subject == "半导体封装项目"


def test_a_time_the_value_is_taken_at_is_no_subject():
    found = extract_facts("公司净利从一年前的1.2亿元降至3000万元。")
    assert [(f.raw_text, f.subject) for f in found] == [("1.2亿元", "净利"), ("3000万元", "净利")]


def test_time_base_and_verb_are_no_subjects():
    assert one("利润要在现有基础上增长5倍。", "5倍").subject == "利润"
    assert one("专用设备制造业产值增长42%，高出全行业平均增速7.9个百分点。", "7.9个百分点").subject \
        == "专用设备制造业产值"


# --- branches of the project linking ---------------------------------------------------------------

@pytest.mark.parametrize("text, raw, subject, source", [
    ("年产5万吨工程塑料项目总投资8亿元。", "8亿元", "年产5万吨工程塑料项目", "named"),  # the name holds the figure
    ("总投资12.6亿元的恒驰汽车安全系统项目正式开工。", "12.6亿元", "恒驰汽车安全系统项目", "named"),  # name after …的
    ("一批总投资超过300亿元的重大产业项目集中开工。", "300亿元", "重大产业项目", "batch"),  # a batch after …的
    ("投资6000万元实施东湖环境整治工程。", "6000万元", "东湖环境整治工程", "named"),  # spent on
    ("公司拟募资13亿元，投向光棒扩建等5个项目。", "13亿元", "5个项目", "batch"),  # spent on a counted batch
    ("开发区今年签约项目22个，总投资268.5亿元。", "268.5亿元", "签约项目", "batch"),  # a batch in the clause
    ("金马电器有限公司今年投资2亿元扩大产能。", "2亿元", "金马电器有限公司", "company"),  # the company
    ("金马电器有限公司启动智能工厂项目。公司计划投资3亿元。", "3亿元", "智能工厂项目", "company"),  # its project
    ("今年全市重点项目进展顺利。上半年累计完成投资58.2亿元。", "58.2亿元", "重点项目", "carried"),  # batch carried
    ("振华机械项目开工。投产后年产数控机床5000台。", "5000台", "振华机械项目", "carried"),  # project carried
])
def test_project_linking_branch(text, raw, subject, source):
    f = one(text, raw)
    assert (f.subject, f.subject_source) == (subject, source)


def test_a_company_is_not_carried_over_to_the_next_project():
    text = "恒远电子有限公司投资建设智能终端项目，总投资5亿元。东湖光伏项目总投资3亿元。"
    _, projects = extract(text, "2021-06-20")
    by_name = {p.name: p.company for p in projects}
    assert by_name["东湖光伏项目"] is None


def test_counted_batches_are_no_projects():
    _, projects = extract("全市37个市政重点工程累计完成投资157亿元。", "2021-06-20")
    assert all("个" not in p.name for p in projects)


# --- branches of the indicator and rate linking -----------------------------------------------------

@pytest.mark.parametrize("text, raw, subject, source", [
    ("项目投产后预计年产值30亿元。", "30亿元", "年产值", "named"),  # no project in view: the indicator
    ("绿源科技项目开工。投产后预计年产值30亿元。", "30亿元", "绿源科技项目", "carried"),  # the project's
    ("工业和服务业分别实现增加值98亿元和198.7亿元。", "98亿元", "工业增加值", "list"),  # list item + bare head
    ("全市工业产值856亿元。", "856亿元", "工业产值", "named"),
    ("全县财政收入保持较快增长，实现财政总收入128.4亿元，增长12.9%。", "12.9%", "财政总收入", "topic"),
    ("单位产品能耗比传统工艺降低15%。", "15%", "单位产品能耗", "named"),  # named before the rate word
])
def test_indicator_and_rate_linking_branch(text, raw, subject, source):
    f = one(text, raw)
    assert (f.subject, f.subject_source) == (subject, source)


# --- capacities ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, raw, subject, source", [
    ("水泥产能由2.03亿吨提升到3亿吨。", "2.03亿吨", "水泥产能", "holder"),
    ("重卡工厂产能设定为8万辆/年，最大产能可达到10万辆/年。", "10万辆", "重卡工厂产能", "holder"),  # same holder
    ("全市已形成日处理8.5万吨的城市污水集中处理能力。", "8.5万吨", "城市污水集中处理能力", "holder"),  # named after
    ("配套建设的乳品厂每年可加工鲜奶3万千升。", "3万千升", "乳品厂", "holder"),  # the plant before the trigger
    ("当前叶片的生产能力维持在1600兆瓦。", "1600兆瓦", "叶片", "holder"),
])
def test_capacity_holder_branch(text, raw, subject, source):
    f = one(text, raw)
    assert (f.subject, f.subject_source) == (subject, source)


def test_capacity_inside_a_project_name_counts():
    f = one("准格尔旗30万吨合成氨项目已建成投产。", "30万吨")
    assert (f.fact_type, f.subject, f.value) == ("capacity", "准格尔旗30万吨合成氨项目", 300000)
    g = one("达拉特旗2×66万千瓦热电项目计划总投资52亿元。", "2×66万千瓦")
    assert (g.fact_type, g.value, g.unit) == ("capacity", 1320000, "千瓦")


def test_anaphora_上述项目_is_the_batch_named_before():
    f = one("全市12个交通重点工程进展顺利。截至3月底，上述项目已累计完成投资57.3亿元。", "57.3亿元")
    assert (f.subject, f.subject_source) == ("12个交通重点工程", "anaphora")


def test_a_date_before_a_bare_head_is_no_project():
    _, projects = extract("江北蓄洪工程进展顺利，2012年元月工程开工。该工程投资概算30亿元。", "2021-06-20")
    assert [p.name for p in projects] == ["江北蓄洪工程"]


def test_a_project_name_may_hold_a_list():
    f = one("光纤预制棒、光缆及器件产业化项目，总投资额3.2亿元。", "3.2亿元")
    assert f.subject == "光纤预制棒、光缆及器件产业化项目"


def test_a_capacity_name_with_a_decimal_is_read_whole():
    f = one("东区还将建设年产2.5亿个LED封装生产线。", "2.5亿个")
    assert f.subject == "年产2.5亿个LED封装生产线"


def test_classes_and_counts_of_places_are_no_facts():
    assert facts_of("产值增速超过30%的5个省份都在西部。") == []
    assert facts_of("我国是40多个国家的最大贸易伙伴。") == []


def test_a_rate_that_only_bounds_is_no_fact():
    assert facts_of("行业增速虽有回落，但仍在15%以上。") == []


def test_a_money_word_after_the_figure_names_it():
    f = one("远超其去年实现的12.5亿营收。", "12.5亿")
    assert (f.fact_type, f.subject, f.unit) == ("indicator", "营收", "CNY")


@pytest.mark.parametrize("text, raw, subject", [
    ("两家央企昨天签约8.6亿美元港口项目。", "8.6亿美元", "港口项目"),
    ("溪口镇昨天引进5亿元智能制造项目。", "5亿元", "智能制造项目"),
])
def test_money_signed_for_a_project_named_after_it_is_its_investment(text, raw, subject):
    f = one(text, raw)
    assert (f.fact_type, f.subject) == ("investment", subject)


def test_a_capacity_in_a_name_printed_again_is_one_fact():
    text = "2009年启动的溪西16万吨铅锌冶炼项目进展顺利。溪西16万吨铅锌项目预计明年6月底建成投产。"
    assert [f.raw_text for f in extract_facts(text) if f.fact_type == "capacity"] == ["16万吨"]


def test_plants_counted_by_size_are_a_class():
    assert [f.raw_text for f in extract_facts("还将形成3-5个50万吨/年电石生产基地。")] == []


def test_list_items_are_not_restatements():
    text = "溪西铅锌项目年产锌10万吨。目前公司具有年产锌产品18万吨、铅产品10万吨的综合生产能力。"
    assert [f.raw_text for f in extract_facts(text)].count("10万吨") == 2


def test_a_name_holds_a_size_range_in_brackets():
    f = one("恒远科技自筹资金2.5亿元建设的中大尺寸电容屏（4.3～13.3英寸）生产线。", "2.5亿元")
    assert f.subject == "中大尺寸电容屏（4.3～13.3英寸）生产线"


def test_a_class_of_firms_by_size_and_a_ratio_of_areas_are_no_facts():
    assert facts_of("要培育一个年产值五十亿元以上的大型科技企业。") == []
    assert facts_of("新厂占地面积80万平方米，约为现有厂区面积的5倍。") == []


def test_a_volume_takes_the_product_sold():
    f = one("上半年累计销售工程起重机15273台，同比增长63.6%。", "15273台")
    assert f.subject == "工程起重机"


def test_a_rate_restated_with_a_shorter_subject_is_one_fact():
    text = ("前5月，居民消费价格上涨4.1%，其中食品类价格同比上涨了11.2%。\n"
            "分类看，食品和衣着类价格分别上涨11.2%和2.5%。")
    assert [f.raw_text for f in extract_facts(text)].count("11.2%") == 1


def test_status_is_the_words_as_written_never_a_clipped_name():
    _, projects = extract("东湖材料产业园项目总投资12亿元，目前已进入设备调试阶段。", "2021-06-20")
    assert [(p.name, p.status, p.stage) for p in projects] == [("东湖材料产业园项目", "已进入设备调试阶段", "building")]
