"""Tests for pipeline.quantities (and the numeral reader in pipeline.chinese_numbers).

The table below is written by hand from the sentences: each case is the text
and the quantities a reader of the sentence would write down, as
(raw_text, value, value_max, unit, approx).  Counts (1次, 30余家) are
returned by the parser (kind ``count``) and so appear in the expectations;
deciding that they are not facts is the job of the fact stage.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.chinese_numbers import parse_number, scale10, to_halfwidth
from pipeline.quantities import Quantity, lookup_unit, parse_quantities

E, A, O, U, L = "exact", "about", "over", "under", "at_least"

CASES = [
    # --- the reference article (宁波日报 2017-05-15, 鄞州) -------------------------------
    ("该项目计划总投资21.9亿元，投产后计划年产700万套智能空调",
     [("21.9亿元", 2.19e9, None, "CNY", E), ("700万套", 7e6, None, "套", E)]),
    ("实现财政总收入128.4亿元，增长12.9%",
     [("128.4亿元", 1.284e10, None, "CNY", E), ("12.9%", 12.9, None, "%", E)]),
    ("一条条投资上百万元的真空泵装配流水线相继投入使用",
     [("上百万元", 1e6, None, "CNY", L)]),
    ("“机器换人”正在如火如荼进行中，效能可提升6倍……", [("6倍", 6, None, "x", E)]),
    ("稿源: 宁波日报 2017-05-15 17:32:00报料热线:81850000", []),
    ("全市启动“七联七促”活动，区四套班子领导每月至少1次实地调研走访联系点村社",
     [("1次", 1, None, "次", L)]),
    ("浙东建材集团进军建筑工业化PC(混凝土预制件)构件领域，首期投入4亿元，预计今年年底投产",
     [("4亿元", 4e8, None, "CNY", E)]),
    ("工业和服务业保持较高增速，分别实现增加值98亿元和198.7亿元",
     [("98亿元", 9.8e9, None, "CNY", E), ("198.7亿元", 1.987e10, None, "CNY", E)]),
    ("其中服务业成为财政收入主要来源，占比近半，达到49.5%", [("49.5%", 49.5, None, "%", E)]),
    ("实现固定资产投资194.1亿元，增长8.9%，其中工业投资20.3亿元，增长20.3%",
     [("194.1亿元", 1.941e10, None, "CNY", E), ("8.9%", 8.9, None, "%", E),
      ("20.3亿元", 2.03e9, None, "CNY", E), ("20.3%", 20.3, None, "%", E)]),
    ("鄞州区实现进出口总额297亿元，增长27.3%，实现出口额235.8亿元，增长20.6%。",
     [("297亿元", 2.97e10, None, "CNY", E), ("27.3%", 27.3, None, "%", E),
      ("235.8亿元", 2.358e10, None, "CNY", E), ("20.6%", 20.6, None, "%", E)]),
    ("年内基本完成第一期土建工程", []),
    ("在一项一项抓推进、一项一项强攻坚中干出领跑领先的发展业绩", []),
    ("对困难问题还需想尽千方百计、拿出真措实举", []),
    ("以跻身全国一流强区最前列为目标，鄞州区主动对接浙江方位", []),
    ("中国宁波网讯(记者王博 鄞州记者站张绘薇 杨磊)联镇村促发展、联企业促增长", []),
    # --- Arabic numerals, separators, full width -------------------------------------------
    ("全年完成固定资产投资1,100万元", [("1,100万元", 1.1e7, None, "CNY", E)]),
    ("人均可支配收入45,230元，比上年增长8.5%",
     [("45,230元", 45230, None, "CNY", E), ("8.5%", 8.5, None, "%", E)]),
    ("全年共接待游客1,234,567人次", [("1,234,567人次", 1234567, None, "人次", E)]),
    ("社会消费品零售总额同比增长１２.９％", [("１２.９％", 12.9, None, "%", E)]),
    ("该公司注册资本５亿元", [("５亿元", 5e8, None, "CNY", E)]),
    ("全市ＧＤＰ增长７．５％，财政收入突破１００亿元",
     [("７．５％", 7.5, None, "%", E), ("１００亿元", 1e10, None, "CNY", O)]),
    ("装机容量１２０ＭＷ", [("１２０ＭＷ", 120000, None, "千瓦", E)]),
    ("人均可支配收入45000元", [("45000元", 45000, None, "CNY", E)]),
    ("每股收益0.35元", [("0.35元", 0.35, None, "CNY", E)]),
    ("货物吞吐量9.2亿吨", [("9.2亿吨", 9.2e8, None, "吨", E)]),
    ("项目总投资0.8亿元", [("0.8亿元", 8e7, None, "CNY", E)]),
    # --- Chinese numerals -------------------------------------------------------------
    ("全年实现地区生产总值二十一点九亿元", [("二十一点九亿元", 2.19e9, None, "CNY", E)]),
    ("该项目总投资三千万元", [("三千万元", 3e7, None, "CNY", E)]),
    ("年产钢材一万二千吨", [("一万二千吨", 12000, None, "吨", E)]),
    ("新建厂房两万平方米", [("两万平方米", 20000, None, "平方米", E)]),
    ("共有一百零五家企业参展", [("一百零五家", 105, None, "家", E)]),
    ("新引进十二个重点项目", [("十二个", 12, None, "个", E)]),
    ("首批十家企业入驻园区", [("十家", 10, None, "家", E)]),
    ("出台十项措施支持实体经济", [("十项", 10, None, "项", E)]),
    ("增速比上年回落〇点五个百分点", [("〇点五个百分点", 0.5, None, "pp", E)]),
    ("税收收入增长零点八个百分点", [("零点八个百分点", 0.8, None, "pp", E)]),
    ("投资两亿元建设污水处理厂", [("两亿元", 2e8, None, "CNY", E)]),
    ("全县粮食播种面积三十五万亩", [("三十五万亩", 350000, None, "亩", E)]),
    ("累计发放贷款一千二百亿元", [("一千二百亿元", 1.2e11, None, "CNY", E)]),
    ("引进外资一亿零五百万美元", [("一亿零五百万美元", 1.05e8, None, "USD", E)]),
    ("全年发电三点五亿千瓦时", [("三点五亿千瓦时", 3.5e8, None, "千瓦时", E)]),
    ("合同金额壹亿贰仟万元", [("壹亿贰仟万元", 1.2e8, None, "CNY", E)]),
    # --- mixed forms and inner markers ------------------------------------------------
    ("全省地区生产总值达到1.2万亿元", [("1.2万亿元", 1.2e12, None, "CNY", E)]),
    ("年营业收入3000多万元", [("3000多万元", 3e7, None, "CNY", O)]),
    ("累计完成投资41亿余元", [("41亿余元", 4.1e9, None, "CNY", O)]),
    ("去年税收2亿多元", [("2亿多元", 2e8, None, "CNY", O)]),
    ("全区共有规模以上工业企业1200余家", [("1200余家", 1200, None, "家", O)]),
    ("带动当地就业500余人", [("500余人", 500, None, "人", O)]),
    ("项目建设涉及10多个村", [("10多个", 10, None, "个", O)]),
    ("吸引百余家企业参展", [("百余家", 100, None, "家", O)]),
    ("全镇千余人参加", [("千余人", 1000, None, "人", O)]),
    ("完成投资10余万元", [("10余万元", 1e5, None, "CNY", O)]),
    ("共有从业人员万余人", [("万余人", 1e4, None, "人", O)]),
    ("产值三千多万元", [("三千多万元", 3e7, None, "CNY", O)]),
    ("招收员工2万多名", [("2万多名", 2e4, None, "名", O)]),
    ("全年吸纳劳动力3000多名", [("3000多名", 3000, None, "名", O)]),
    ("这笔资金大约有3个亿", [("3个亿", 3e8, None, "", E)]),
    ("一年要花掉两个多亿元", [("两个多亿元", 2e8, None, "CNY", O)]),
    # --- multipliers folded; number kind ------------------------------------------------
    ("GDP达1.2万亿，稳居全国前列", [("1.2万亿", 1.2e12, None, "", E)]),
    ("全市常住人口达到820万", [("820万", 8.2e6, None, "", E)]),
    ("发行股票1.5亿股", [("1.5亿", 1.5e8, None, "", E)]),
    ("电商交易额超过3000亿", [("3000亿", 3e11, None, "", O)]),
    ("新增市场主体5千户", [("5千户", 5000, None, "户", E)]),
    ("年发电量约1.5亿千瓦时", [("1.5亿千瓦时", 1.5e8, None, "千瓦时", A)]),
    ("年用电量增加3亿度", [("3亿度", 3e8, None, "千瓦时", E)]),
    ("今天气温最高25度", []),
    ("开挖土方5万方", [("5万方", 5e4, None, "立方米", E)]),
    ("三方签订合作协议", []),
    # --- percent and 成 ----------------------------------------------------------------
    ("规上工业增加值增长百分之十二点九", [("百分之十二点九", 12.9, None, "%", E)]),
    ("亏损企业减少了百分之五十", [("百分之五十", 50, None, "%", E)]),
    ("实现服务全覆盖，满意率达百分之百", [("百分之百", 100, None, "%", E)]),
    ("民营经济占全市经济总量的三成", [("三成", 30, None, "%", E)]),
    ("小微企业贷款占比近五成", [("五成", 50, None, "%", A)]),
    ("七成以上的企业实现了盈利", [("七成", 70, None, "%", O)]),
    ("出口额增长超两成", [("两成", 20, None, "%", O)]),
    ("网上销售额占比约三成", [("三成", 30, None, "%", A)]),
    ("农村居民收入增长2成", [("2成", 20, None, "%", E)]),
    ("服务业比重提高到六成多", [("六成", 60, None, "%", O)]),
    ("该区已成为全市经济增长的主引擎", []),
    ("今年计划完成投资目标", []),
    ("政策一成不变是不行的", []),
    ("2015成立的公司", []),
    ("降低企业成本3成以上", [("3成", 30, None, "%", O)]),
    ("外贸依存度80%以上", [("80%", 80, None, "%", O)]),
    ("增长50%左右", [("50%", 50, None, "%", A)]),
    ("城镇登记失业率控制在3.5%以内", [("3.5%", 3.5, None, "%", U)]),
    ("同比下降-2.3%", [("2.3%", 2.3, None, "%", E)]),
    ("千分之三的抽检不合格率为3‰", [("3‰", 3, None, "‰", E)]),
    # --- percentage points -------------------------------------------------------------
    ("增速比一季度提高2.3个百分点", [("2.3个百分点", 2.3, None, "pp", E)]),
    ("比上年提高1.5个百分点，占GDP比重达49.5%",
     [("1.5个百分点", 1.5, None, "pp", E), ("49.5%", 49.5, None, "%", E)]),
    ("增速比全省高出2个百分点，居全省第1位", [("2个百分点", 2, None, "pp", E)]),
    ("回落两个百分点", [("两个百分点", 2, None, "pp", E)]),
    ("城镇化率提高一个百分点", [("一个百分点", 1, None, "pp", E)]),
    ("研发投入占比提升0.5百分点", [("0.5百分点", 0.5, None, "pp", E)]),
    ("增速回落近1个百分点", [("1个百分点", 1, None, "pp", A)]),
    # --- multiples ---------------------------------------------------------------------
    ("出口额增长1.1倍", [("1.1倍", 1.1, None, "x", E)]),
    ("网络零售额增长一倍", [("一倍", 1, None, "x", E)]),
    ("是去年同期的两倍", [("两倍", 2, None, "x", E)]),
    ("产能提高三倍多", [("三倍", 3, None, "x", O)]),
    ("力争五年内经济总量翻一番", [("翻一番", 2, None, "x", E)]),
    ("到2020年实现人均收入翻两番", [("翻两番", 4, None, "x", E)]),
    ("工业产值实现翻番", [("翻番", 2, None, "x", E)]),
    ("三年来销售额翻了一番", [("翻了一番", 2, None, "x", E)]),
    ("效率提升3至5倍", [("3至5倍", 3, 5, "x", O)]),
    ("产量增长三至五倍", [("三至五倍", 3, 5, "x", O)]),
    ("成倍增长", []),
    # --- currencies --------------------------------------------------------------------
    ("合同利用外资5亿美元", [("5亿美元", 5e8, None, "USD", E)]),
    ("实际利用外资3200万美元，增长15%",
     [("3200万美元", 3.2e7, None, "USD", E), ("15%", 15, None, "%", E)]),
    ("在香港发行债券30亿港元", [("30亿港元", 3e9, None, "HKD", E)]),
    ("募集资金5000万港币", [("5000万港币", 5e7, None, "HKD", E)]),
    ("德方投资2.5亿欧元", [("2.5亿欧元", 2.5e8, None, "EUR", E)]),
    ("日资企业追加投资100亿日元", [("100亿日元", 1e10, None, "JPY", E)]),
    ("并购英国公司耗资3亿英镑", [("3亿英镑", 3e8, None, "GBP", E)]),
    ("注册资本人民币5亿元", [("5亿元", 5e8, None, "CNY", E)]),
    ("总投资5亿元人民币", [("5亿元人民币", 5e8, None, "CNY", E)]),
    ("总投资人民币5亿", [("人民币5亿", 5e8, None, "CNY", E)]),
    ("融资10亿人民币", [("10亿人民币", 1e9, None, "CNY", E)]),
    ("引进外资200万美金", [("200万美金", 2e6, None, "USD", E)]),
    ("门票价格每人50元", [("50元", 50, None, "CNY", E)]),
    ("市值1000亿港元", [("1000亿港元", 1e11, None, "HKD", E)]),
    ("推进社会治理一元化和服务多元化", []),
    # --- physical units ----------------------------------------------------------------
    ("项目建成后年产汽车零部件500万件", [("500万件", 5e6, None, "件", E)]),
    ("年产新能源汽车10万辆", [("10万辆", 1e5, None, "辆", E)]),
    ("年产工业机器人2万台", [("2万台", 2e4, None, "台", E)]),
    ("年产智能电表300万套", [("300万套", 3e6, None, "套", E)]),
    ("年处理生活垃圾36.5万吨", [("36.5万吨", 365000, None, "吨", E)]),
    ("总建筑面积约12万平方米", [("12万平方米", 1.2e5, None, "平方米", A)]),
    ("新建厂房3000㎡", [("3000㎡", 3000, None, "平方米", E)]),
    ("改造老旧小区50万平米", [("50万平米", 5e5, None, "平方米", E)]),
    ("规划面积12.5平方公里", [("12.5平方公里", 12.5, None, "平方公里", E)]),
    ("项目占地120亩", [("120亩", 120, None, "亩", E)]),
    ("新增造林面积2000公顷", [("2000公顷", 2000, None, "公顷", E)]),
    ("新增装机容量50万千瓦", [("50万千瓦", 5e5, None, "千瓦", E)]),
    ("建设20兆瓦光伏电站", [("20兆瓦", 20000, None, "千瓦", E)]),
    ("海上风电总装机1.2吉瓦", [("1.2吉瓦", 1.2e6, None, "千瓦", E)]),
    ("光伏组件产能5GW", [("5GW", 5e6, None, "千瓦", E)]),
    ("分布式光伏10MW", [("10MW", 1e4, None, "千瓦", E)]),
    ("储能电站容量100MWh", [("100MWh", 1e5, None, "千瓦时", E)]),
    ("年发电量12亿千瓦时", [("12亿千瓦时", 1.2e9, None, "千瓦时", E)]),
    ("年供水能力3650万立方米", [("3650万立方米", 3.65e7, None, "立方米", E)]),
    ("集装箱吞吐量突破2000万标箱", [("2000万标箱", 2e7, None, "标箱", O)]),
    ("完成集装箱吞吐量240万TEU", [("240万TEU", 2.4e6, None, "标箱", E)]),
    ("新建改建农村公路300公里", [("300公里", 300, None, "公里", E)]),
    ("隧道全长5千米", [("5千米", 5, None, "公里", E)]),
    ("大桥主跨长度为1088米", [("1088米", 1088, None, "米", E)]),
    ("年产饲料20万千克", [("20万千克", 2e5, None, "公斤", E)]),
    # --- counts ------------------------------------------------------------------------
    ("新增就业1.2万人", [("1.2万人", 1.2e4, None, "人", E)]),
    ("全年接待游客5000万人次", [("5000万人次", 5e7, None, "人次", E)]),
    ("荣获国家级奖项3项，授权专利27件",
     [("3项", 3, None, "项", E), ("27件", 27, None, "件", E)]),
    ("完成农房改造1500户", [("1500户", 1500, None, "户", E)]),
    ("新建5G基站1.2万个", [("1.2万个", 1.2e4, None, "个", E)]),
    ("新建桥梁3座、道路8条", [("3座", 3, None, "座", E), ("8条", 8, None, "条", E)]),
    ("存栏生猪5000头", [("5000头", 5000, None, "头", E)]),
    ("新增上市公司6家", [("6家", 6, None, "家", E)]),
    ("参与人员上万人", [("上万人", 1e4, None, "人", L)]),
    ("全市共有十几家企业获评", [("十几家", 10, None, "家", L)]),
    ("二十几家企业落户", [("二十几家", 20, None, "家", L)]),
    # --- approximation words ------------------------------------------------------------
    ("项目总投资约5亿元", [("5亿元", 5e8, None, "CNY", A)]),
    ("大约3亿元资金已经到位", [("3亿元", 3e8, None, "CNY", A)]),
    ("总投资近10亿元", [("10亿元", 1e9, None, "CNY", A)]),
    ("将近2万吨货物滞留", [("2万吨", 2e4, None, "吨", A)]),
    ("增幅接近5%", [("5%", 5, None, "%", A)]),
    ("总投资5亿元左右", [("5亿元", 5e8, None, "CNY", A)]),
    ("总投资超5亿元", [("5亿元", 5e8, None, "CNY", O)]),
    ("总投资超过5亿元", [("5亿元", 5e8, None, "CNY", O)]),
    ("总投资逾5亿元", [("5亿元", 5e8, None, "CNY", O)]),
    ("年销售收入5亿元以上", [("5亿元", 5e8, None, "CNY", O)]),
    ("全年财政收入突破百亿元", [("百亿元", 1e10, None, "CNY", O)]),
    ("一期投资超亿元", [("亿元", 1e8, None, "CNY", O)]),
    ("投资不到5亿元", [("5亿元", 5e8, None, "CNY", U)]),
    ("增长不足5%", [("5%", 5, None, "%", U)]),
    ("单笔贷款5万元以下", [("5万元", 5e4, None, "CNY", U)]),
    ("年收入未满3万元的家庭", [("3万元", 3e4, None, "CNY", U)]),
    ("注册资本不少于1000万元", [("1000万元", 1e7, None, "CNY", L)]),
    ("单个项目投资不超过500万元", [("500万元", 5e6, None, "CNY", U)]),
    ("预计可达5亿元", [("5亿元", 5e8, None, "CNY", E)]),
    ("年产值达到5亿元", [("5亿元", 5e8, None, "CNY", E)]),
    ("预计年销售收入可达10亿元，利税1.5亿元，带动就业500余人",
     [("10亿元", 1e9, None, "CNY", E), ("1.5亿元", 1.5e8, None, "CNY", E),
      ("500余人", 500, None, "人", O)]),
    ("通过技改节约资金50万元", [("50万元", 5e5, None, "CNY", E)]),
    ("每年可节约5万元", [("5万元", 5e4, None, "CNY", E)]),
    ("最近3年累计投资80亿元", [("80亿元", 8e9, None, "CNY", E)]),
    ("投资上亿元建设研发中心", [("上亿元", 1e8, None, "CNY", L)]),
    ("上千万元的订单", [("上千万元", 1e7, None, "CNY", L)]),
    ("吸引社会资本数十亿元", [("数十亿元", 1e9, None, "CNY", L)]),
    ("带动投资数百万", [("数百万", 1e6, None, "", L)]),
    ("撬动几十亿元投资", [("几十亿元", 1e9, None, "CNY", L)]),
    ("年销售额十几万元", [("十几万元", 1e5, None, "CNY", L)]),
    ("集聚人才数以万计", []),
    ("成千上万的游客", []),
    # --- ranges --------------------------------------------------------------------------
    ("预计总投资50亿至60亿元", [("50亿至60亿元", 5e9, 6e9, "CNY", O)]),
    ("预计总投资50亿-60亿元", [("50亿-60亿元", 5e9, 6e9, "CNY", O)]),
    ("预计总投资50-60亿元", [("50-60亿元", 5e9, 6e9, "CNY", O)]),
    ("单个项目投资5000万～8000万元", [("5000万～8000万元", 5e7, 8e7, "CNY", O)]),
    ("贷款利率上浮10%-15%", [("10%-15%", 10, 15, "%", O)]),
    ("增速保持在7%到8%之间", [("7%到8%", 7, 8, "%", O)]),
    ("一期投资45亿至50亿元", [("45亿至50亿元", 4.5e9, 5e9, "CNY", O)]),
    ("每亩补贴1.5万-2万元", [("1.5万-2万元", 1.5e4, 2e4, "CNY", O)]),
    ("年产3～5万吨", [("3～5万吨", 3e4, 5e4, "吨", O)]),
    ("总投资五至十亿元", [("五至十亿元", 5e8, 1e9, "CNY", O)]),
    ("每批招收20-30家企业", [("20-30家", 20, 30, "家", O)]),
    ("增长5至8个百分点", [("5至8个百分点", 5, 8, "pp", O)]),
    ("投资额从5亿元增加到10亿元",
     [("5亿元", 5e8, None, "CNY", E), ("10亿元", 1e9, None, "CNY", E)]),
    ("累计投入5亿元至今已建成厂房", [("5亿元", 5e8, None, "CNY", E)]),
    ("投资5亿元到2020年建成", [("5亿元", 5e8, None, "CNY", E)]),
    ("市场规模在50亿至60亿之间", [("50亿至60亿", 5e9, 6e9, "", O)]),
    ("投资3亿-5亿美元", [("3亿-5亿美元", 3e8, 5e8, "USD", O)]),
    # --- dates, times, phone and registration numbers -----------------------------------
    ("2017年5月15日，鄞州区召开动员大会", []),
    ("1-4月，全市实现规上工业增加值358.6亿元，同比增长9.2%，增速比一季度提高0.8个百分点",
     [("358.6亿元", 3.586e10, None, "CNY", E), ("9.2%", 9.2, None, "%", E),
      ("0.8个百分点", 0.8, None, "pp", E)]),
    ("今年第一季度和上半年", []),
    ("发布时间：2017-05-15 17:32:00", []),
    ("2016-2020年期间，3-5年内完成", []),
    ("3月28日至30日在宁波举行", []),
    ("咨询电话：0574-87654321", []),
    ("服务热线400-123-4567", []),
    ("联系人手机13812345678", []),
    ("浙ICP备05000001号", []),
    ("浙公网安备 33020302000123号", []),
    ("邮编：315000  传真：0574-88888888", []),
    ("时间：2017年05月15日 09:30 来源：宁波日报", []),
    ("上午九点三十分开幕", []),
    ("二〇一七年五月", []),
    # --- ordinals, names with numbers, codes --------------------------------------------
    ("第五届中国—中东欧国家投资贸易博览会", []),
    ("这是第1次召开此类会议", []),
    ("地铁2号线二期工程", []),
    ("1至3号楼已经结顶", []),
    ("一期工程已经竣工", []),
    ("一期投资5亿元，二期将追加", [("5亿元", 5e8, None, "CNY", E)]),
    ("全市5G网络和4K超高清视频产业", []),
    ("G20杭州峰会期间", []),
    ("3D打印产业园开园", []),
    ("PM2.5平均浓度下降", []),
    ("庆祝建党100周年", []),
    ("65岁以上老年人", []),
    ("扎根基层30年", []),
    ("用3个月时间完成整治", []),
    ("5天内办结", []),
    ("居全省第1位，比上年前移2位", [("2位", 2, None, "位", E)]),
    ("入选第二批国家级名单", []),
    ("党的十八大以来", []),
    ("十九届四中全会精神", []),
    ("二十国集团领导人峰会", []),
    ("入围世界500强", []),
    ("国家5A级旅游景区", []),
    ("110kV变电站投运", []),
    ("220千伏输变电工程", []),
    ("千兆光纤网络全覆盖", []),
    ("十三五规划和十一五期间", []),
    ("3个工作日内办结", []),
    ("用了5个多月", []),
    # --- thresholds and category names ---------------------------------------------------
    ("引进亿元以上项目25个", [("25个", 25, None, "个", E)]),
    ("超亿元企业达到56家", [("56家", 56, None, "家", E)]),
    ("规模以上工业增加值增长8%", [("8%", 8, None, "%", E)]),
    ("打造一批千万元级电商企业", []),
    ("建成10万吨级泊位2个", [("2个", 2, None, "个", E)]),
    ("其中10亿元以上项目5个", [("5个", 5, None, "个", E)]),
    ("5亿元以上的重大项目", []),
    ("培育超10亿元企业", []),
    ("万元GDP能耗下降3%", [("3%", 3, None, "%", E)]),
    ("昔日的万元户", []),
    ("建设万亩果园", []),
    # --- words containing numerals --------------------------------------------------------
    ("一些企业一起参加了活动", []),
    ("积极参与一带一路建设", []),
    ("万一出现问题", []),
    ("着力解决三农问题", []),
    ("第一，要统一思想，打造一流营商环境", []),
    ("造福百姓，温暖千家万户", []),
    ("坚持一个中心、两个基本点", []),
    ("深入学习三个代表重要思想", []),
    ("落实八项规定精神", []),
    ("两岸经贸合作和两会精神", []),
    ("一次性告知制度", []),
    ("进一步优化营商环境", []),
    ("这件事十分重要", []),
    ("占三分之一", []),
    ("千万不要大意", []),
    ("两个一百年奋斗目标", []),
    ("一是加强领导，二是完善机制", []),
]


def _key(q: Quantity) -> tuple:
    return (q.raw_text, q.value, q.value_max, q.unit, q.approx)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[f"case{i:03d}" for i in range(len(CASES))])
def test_table(text: str, expected: list[tuple]) -> None:
    got = parse_quantities(text)
    for q in got:
        assert text[q.start:q.end] == q.raw_text
    assert [q.raw_text for q in got] == [e[0] for e in expected], [_key(q) for q in got]
    for q, (raw, value, value_max, unit, approx) in zip(got, expected):
        assert q.value == pytest.approx(value, rel=1e-9), raw
        if value_max is None:
            assert q.value_max is None, raw
        else:
            assert q.value_max == pytest.approx(value_max, rel=1e-9), raw
        assert (q.unit, q.approx) == (unit, approx), raw


def test_case_count() -> None:
    assert len(CASES) >= 180


@pytest.mark.parametrize(
    ("text", "kind"),
    [("21.9亿元", "money"), ("12.9%", "percent"), ("三成", "percent"), ("2.3个百分点", "pp"),
     ("6倍", "multiple"), ("翻一番", "multiple"), ("700万套", "physical"), ("20兆瓦", "physical"),
     ("1次", "count"), ("30余家", "count"), ("1.2万亿", "number"), ("百分之五", "percent")],
)
def test_kind(text: str, kind: str) -> None:
    (q,) = parse_quantities("达到" + text)
    assert q.kind == kind


def test_offsets_in_a_long_text() -> None:
    text = "".join(c[0] + "\n" for c in CASES)
    got = parse_quantities(text)
    assert len(got) == sum(len(c[1]) for c in CASES)
    last_end = 0
    for q in got:
        assert text[q.start:q.end] == q.raw_text
        assert q.start >= last_end
        last_end = q.end


def test_seed_article_gives_every_gold_figure() -> None:
    body = (
        "该项目计划总投资21.9亿元，投产后计划年产700万套智能空调。首期投入4亿元。"
        "一条条投资上百万元的真空泵装配流水线相继投入使用，效能可提升6倍。"
        "分别实现增加值98亿元和198.7亿元；实现财政总收入128.4亿元，增长12.9%；"
        "占比近半，达到49.5%；实现固定资产投资194.1亿元，增长8.9%，其中工业投资20.3亿元，"
        "增长20.3%；实现进出口总额297亿元，增长27.3%，实现出口额235.8亿元，增长20.6%。"
    )
    raws = [q.raw_text for q in parse_quantities(body)]
    assert raws == ["21.9亿元", "700万套", "4亿元", "上百万元", "6倍", "98亿元", "198.7亿元",
                    "128.4亿元", "12.9%", "49.5%", "194.1亿元", "8.9%", "20.3亿元", "20.3%",
                    "297亿元", "27.3%", "235.8亿元", "20.6%"]


def test_empty_and_plain_text() -> None:
    assert parse_quantities("") == []
    assert parse_quantities("没有任何数字的句子。") == []


def test_lookup_unit() -> None:
    assert lookup_unit("吉瓦") == ("千瓦", 1e6, "physical")
    assert lookup_unit("ＧＷ") == ("千瓦", 1e6, "physical")
    assert lookup_unit("成") == ("%", 10.0, "percent")


# --- parse_number -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("s", "value"),
    [("21.9", 21.9), ("1,100", 1100), ("１２.９", 12.9), ("二十一点九", 21.9), ("一万二千", 12000),
     ("两", 2), ("三千万", 3e7), ("1.2万亿", 1.2e12), ("〇", 0), ("零", 0), ("十二", 12),
     ("一百零五", 105), ("十", 10), ("一千零五十", 1050), ("一亿零五百万", 1.05e8),
     ("三万五千亿", 3.5e12), ("二十万亿", 2e13), ("5千万", 5e7), ("3百万", 3e6),
     ("9.2亿", 9.2e8), ("1,234,567.5", 1234567.5), ("壹仟贰佰", 1200), ("两万", 2e4)],
)
def test_parse_number(s: str, value: float) -> None:
    assert parse_number(s) == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    "s", ["", "十三五", "一一", "万一五", "一万五", "三亿一", "1万2", "十百", "五百三千",
          "二〇一七", "点五", "1,2", "12,34", "abc", "一些", "亿亿"],
)
def test_parse_number_refuses(s: str) -> None:
    assert parse_number(s) is None


# --- property tests -----------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _speak_section(n: int) -> str:
    """0 < n < 10000 in Chinese numerals, with 零 for inner gaps (1050 -> 一千零五十)."""
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + name
    return out


def _speak(n: int) -> str:
    if n >= 10**8:  # 亿 groups may themselves hold 万: 1.2万亿 = 一万二千亿
        hi, lo = divmod(n, 10**8)
        return _speak(hi) + "亿" + (("零" if lo < 10**7 else "") + _speak(lo) if lo else "")
    if n >= 10**4:
        hi, lo = divmod(n, 10**4)
        return _speak_section(hi) + "万" + (("零" if lo < 1000 else "") + _speak_section(lo) if lo else "")
    return _speak_section(n)


def speak(n: int) -> str:
    """An integer 0 <= n in standard Chinese numerals (12000 -> 一万二千, 10**12 -> 一万亿)."""
    if n == 0:
        return "零"
    text = _speak(n)
    return text[1:] if text.startswith("一十") else text


def test_speak() -> None:
    assert speak(12000) == "一万二千"
    assert speak(105) == "一百零五"
    assert speak(10) == "十"
    assert speak(100005) == "十万零五"
    assert speak(120000000) == "一亿二千万"
    assert speak(1_000_100_000_000) == "一万零一亿"
    assert speak(1_200_000_000_000) == "一万二千亿"


@given(st.integers(min_value=0, max_value=10**15))
@settings(max_examples=400)
def test_chinese_and_arabic_spellings_agree(n: int) -> None:
    assert parse_number(speak(n)) == n
    assert parse_number(str(n)) == n


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=1, max_value=999))
def test_chinese_decimals(whole: int, frac: int) -> None:
    digits = str(frac)
    chinese = speak(whole) + "点" + "".join(_DIGITS[int(d)] for d in digits)
    assert parse_number(chinese) == pytest.approx(float(f"{whole}.{digits}"), rel=1e-12)


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["万", "亿"]))
def test_chinese_amount_with_multiplier(n: int, mult: str) -> None:
    factor = 1e4 if mult == "万" else 1e8
    (q,) = parse_quantities(f"实现增加值{speak(n)}{mult}元，")
    assert (q.unit, q.kind, q.approx) == ("CNY", "money", "exact")
    assert q.value == pytest.approx(n * factor, rel=1e-9)
    arabic = parse_quantities(f"实现增加值{n}{mult}元，")[0]
    assert arabic.value == q.value


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_wan_yuan_round_trip(x: Decimal) -> None:
    text = f"项目总投资{x}万元，"
    (q,) = parse_quantities(text)
    assert q.raw_text == f"{x}万元"
    assert (q.unit, q.kind) == ("CNY", "money")
    assert q.value == pytest.approx(float(x) * 1e4, rel=1e-9)


@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_separators(n: int) -> None:
    (q,) = parse_quantities(f"营业收入{n:,}元，")
    assert q.raw_text == f"{n:,}元"
    assert q.value == n


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999.9"), places=1),
       st.sampled_from(["亿元", "万吨", "%", "个百分点", "倍", "万美元"]))
def test_full_width_equals_ascii(x: Decimal, unit: str) -> None:
    ascii_text = f"同比增长{x}{unit}，"
    wide_text = ascii_text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.%"})
    assert to_halfwidth(wide_text) == ascii_text
    (a,) = parse_quantities(ascii_text)
    (w,) = parse_quantities(wide_text)
    assert (w.value, w.unit, w.approx, w.kind, w.start, w.end) == (
        a.value, a.unit, a.approx, a.kind, a.start, a.end)
    assert w.raw_text == wide_text[w.start:w.end]


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9999.9"), places=1))
def test_scale10_is_exact_decimal_shift(x: Decimal) -> None:
    assert scale10(float(x), 8) == float(x * 10**8)


_FRAGMENTS = ["投资", "21.9亿元", "增长", "12.9%", "，", "第一", "2017年", "5月", "上百万元",
              "一项", "三成", "成为", "近", "约", "以上", "左右", "至", "-", "3", "万", "亿", "元",
              "千方百计", "0574-", "87654321", "百分之", "十二", "点", "翻", "番", "倍", "个百分点",
              "多", "余", "上", "数", "几", "十", "人民币", "美元", "GW", "5G", "级", "第", " "]


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
@settings(max_examples=500)
def test_random_text_is_consistent(parts: list[str]) -> None:
    text = "".join(parts)
    last_end = 0
    for q in parse_quantities(text):
        assert text[q.start:q.end] == q.raw_text
        assert q.start >= last_end and q.end > q.start
        assert q.value >= 0
        assert q.value_max is None or q.value_max > q.value
        assert q.approx in {"exact", "about", "over", "under", "at_least"}
        assert q.kind in {"money", "percent", "pp", "multiple", "physical", "count", "number"}
        last_end = q.end


@given(st.text(alphabet="0123456789一二三四五六七八九十百千万亿点多余上数几元%成倍个吨至-,.，", max_size=40))
def test_never_raises(text: str) -> None:
    assume(text)
    parse_quantities(text)
