"""Numbers as news writes them, through the public check path (check_brief on a Brief).

Each source paragraph is quoted verbatim from a real article: ../shared/data/html/*.html (as
`briefing ingest` numbers it), ../shared/data/articles/*.json. Where the real data has no
sentence with a form, the paragraph is marked "modelled on news usage": written in the style
of the agency that uses the form, not taken from an article. For each category, correct claims
(English and Chinese) get no finding and wrong ones get the finding that names the error.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from conftest import EXAMPLES
from digests import brief_of

from briefing.grounding import check_brief, extract_quantities
from briefing.ingest import read_source
from briefing.models import Article, Bilingual, Brief, BriefMeta, Claim, Group

# ---- real paragraphs ------------------------------------------------------------------
# html/01.html (龙湖集团), paragraphs 2, 3, 30 and a headline in the page.
LONGHU_2 = (
    "近日，龙湖集团公布了2019年中期业绩报告。上半年，龙湖实现合约销售金额1056.2亿元，同比增长8.8%；"
    "营业额385.7亿元，同比增长42.2%；归属于股东的净利润为63.1亿元，核心溢利为47.0亿元，同比增长26%"
    "。"
)
LONGHU_3 = (
    "然而，在这份亮丽的成绩单背后，龙湖的盈利能力却在走下坡路，其上半年销售毛利率和净利率分别较去年"
    "同期下滑4.51个百分点和3.26个百分点；资产报酬率和投入资本回报率也均较去年同期下滑0.21个百分点。"
    "而公司毛利率和净利率的下滑，又和公司多个项目爆发质量问题有一定关系。据《红周刊》记者了解，龙湖"
    "多地项目均存在各种违规销售及施工问题。"
)
LONGHU_30 = (
    "值得一提的是，龙湖集团2016年至2018年的土地储备平均成本占营业销售均价的比重一直处于39%至41%之间"
    "。"
    "三年来，龙湖土地储备平均成本的增幅仅约为29.2%，但其在此三年间的营业成本和营业支出增幅却分别高"
    "达"
    "100.5%和149%。在土地成本占房企营收成本较大份额的情况下，土地成本相对稳定的龙湖，其快速增加的营"
    "业"
    "成本和支出来自哪里？"
)
CATHAY = "又有空乘被炒 港媒称国泰及港龙航空已解雇逾12人"
# html/02.html (5G芯片), paragraphs 5, 19, 20, 22, 24, 26, 30.
CHIP_5 = (
    "而无论是“外挂”与否，耗电量大成为5G芯片商用最大的掣肘。在连续的5G信号环境下，5G手机的使用时长仅"
    "有"
    "4G手机的三分之一。另一方面，联发科总经理陈冠州告诉记者，5G芯片的高成本导致5G手机天然的高成本，"
    "这让"
    "5G手机普及到千元档的时间会拉长。"
)
CHIP_19 = (
    "不过，业内预计今年5G手机出货量不及整体手机市场出货量的1%。Canalys分析，到2020年，将有17.5%的在"
    "中国"
    "出货的智能手机具备5G功能。5G手机将在2023年首次超过4G手机，达到近8亿部的出货量，占所有智能手机"
    "出货量"
    "的一半。"
)
CHIP_20 = (
    "联发科总经理陈冠州向《每日经济新闻》记者表示，全球大规模的5G芯片交付会出现在明年一季度。有些国"
    "家转向"
    "5G比较快，有些国家会慢一点。4G芯片具备长尾效应，接下来很长时间都会存在。4G芯片的市场应该会到20"
    "25年，"
    "甚至延续到更晚的时间，联发科会持续不断推出4G芯片。"
)
CHIP_22 = (
    "在陈冠州看来，5G手机芯片高成本之外，射频成本也是一个问题，这些都使得5G手机天然高成本，联发科力"
    "争明年"
    "5G手机下探到两千元，而下探到一千元仍需要更多时间。"
)
CHIP_24 = (
    "小米集团红米品牌总经理卢伟冰在接受《每日经济新闻》记者采访时表示，在制程上，5G芯片基本上要靠7"
    "纳米，"
    "7纳米目前的良率大约五到六成，4G手机芯片的良率可能在九成以上，制程本身就是一个很重要的成本维度"
    "。"
)
CHIP_26 = (
    "“由于规模的原因，造成今天5G的这条链上的规模经济还没有起来。”卢伟冰同时表示，5G芯片组成器件众多"
    "，"
    "目前刚开始时的集成度还不够。不过，卢伟冰对未来较为积极，其还表示，小米70%、80%资源都投入在5G了"
    "，"
    "明年的5G手机肯定会降到2000元以下。"
)
CHIP_30 = (
    "《每日经济新闻》记者曾经接触过一位华为Mate20 X 5G版手机用户，其出示的手机截图显示，两个小时的"
    "使用"
    "时间，其5G手机的电量从86%降到了38%，消耗了手机超过四成的电量。目前5G信号并不是很连续，他手中的"
    "5G"
    "手机也仅仅能用六七个小时，远远低于4G手机的一天使用时间，半天不到就要充一次电。"
)
# html/04.html (东莞调研), paragraphs 5 and 9.
DONGGUAN_5 = (
    "2019年1-7月，东莞规模以上工业增加值同比增长6.8%，进出口同比增长4.4%，两者数据虽比上半年均有少"
    "许回落，"
    "但远高于全国水平。在国内外复杂严峻形势下，东莞企业喜忧参半。先进制造业、高技术制造业规模以上工"
    "业增加值"
    "分别增长了10.4%、17.3%，其中电子信息制造业同比增长高达17.8%。但纺织服装鞋帽制造业、造纸及纸制"
    "品业则"
    "呈负增长，同比分别下降3%和0.7%。"
)
DONGGUAN_9 = (
    "在深圳大疆、深圳海能达等企业，笔者同样听到了不少企业界人士的坚定信心。在深圳证券交易所，60%投"
    "资者认为"
    "贸易战会长期持续。80%被调查者在投资决策时会考虑贸易战因素，但仅有1/3投资者在减仓。正如《日本经"
    "济新闻》"
    "近日报道，中国无惧“比拼耐力”。"
)
# html/06.html (麒麟990), paragraphs 1, 4, 8 and 10.
KIRIN_1 = (
    "用户对性能永无止境的追求，让芯片领域迎来了巅峰对决。昨天，“中国芯”再传喜讯，历经3年准备2年研发"
    "，"
    "华为推出了多项指标世界领先的麒麟990 5G一体化芯片。记者获悉，本月伴随苹果新机发售的A13预计还是4"
    "G"
    "芯片，至于被高通寄予厚望的5G集成芯片骁龙865可能到明年初才能量产。这次华为推出的麒麟990芯片已将"
    "5G"
    "基带集成在内，成为全球首款5G一体化芯片。"
)
KIRIN_4 = (
    "不仅如此，麒麟990 5G还在全球率先支持5G双卡，一卡5G上网时另一卡仍可通话。它还是业内最小的5G手机"
    "芯片，"
    "采用了业界最先进的极紫外光刻技术，拥有全球最快的2.3Gbps峰值下载速率和1.25Gbps上行峰值速率。本"
    "月，"
    "内置麒麟990 5G的华为Mate 30就会正式发布，麒麟990 5G也将商用。"
)
KIRIN_8 = (
    "基于7纳米工艺，麒麟990 5G成了全球首款晶体管数超过100亿的移动终端芯片。麒麟980芯片曾以不到一平"
    "方厘米"
    "装下69亿个晶体管而震惊世界。这次的990却以几乎同样大小放下了103亿个晶体管。这究竟是怎么做到的？"
)
KIRIN_10 = (
    "在这颗不到一平方厘米的芯片背后，是华为历经的3年准备与2年研发，以及至少超过3000名工程师的持续攻"
    "关。"
    "“下一代芯片华为已经在紧锣密鼓的研发中，最快明年大家就能见到它。”艾伟告诉记者。"
)
# articles/13.json paragraphs 4 and 6; 12.json 6; 26.json 10; 27.json 5; 25.json 2 and 8.
EU_4 = (
    "法国工业与能源部长费拉奇22日表示，如果在8月1日前无法与美国达成协议，欧盟必须采取反制措施，其中"
    "包括对"
    "总额超过900亿欧元的美国产品加征关税。费拉奇说，当前谈判未见成效，欧洲方面须调整策略，展现更强"
    "硬、可信"
    "的立场。"
)
GM_6 = (
    "美国通用汽车公司22日发布二季度业绩报告显示，该公司今年二季度净利润同比下跌35.4%。美国媒体报道"
    "称，美国"
    "政府关税政策导致该公司二季度损失11亿美元。通用汽车还称，预计关税影响将进一步加剧，该公司今年可"
    "能因此损失"
    "40亿至50亿美元。"
)
STEEL_6 = (
    "美国所需钢材约四分之一依赖进口，所需的铝大约有一半依靠进口。在特朗普的第一任期，他曾以维护“国"
    "家安全”"
    "为由，对进口钢铁和铝产品分别加征25%和10%的关税。欧盟之后针对28亿欧元的美国商品施加关税，予以回"
    "击。"
)
RARE_10 = (
    "稀土是17种元素的统称，被认为是制造高科技和军工产品的关键原料。中国稀土储量占全球的三分之一左右"
    "，是世界"
    "第一大稀土生产国，近15年来为全球提供了90%以上的稀土产量。"
)
EXPORT_5 = (
    "据介绍，2009年中国共出口稀土产品约3.6万吨(以氧化物计)，出口额约为3.1亿美元。2010年，中国出口稀"
    "土产品"
    "约3.5万吨，出口金额约为9.4亿美元，出口均价约为每千克27.2美元，出口总额和单价都是2009年的3倍以"
    "上，取得"
    "了很好的经济效益。"
)
QUOTA_2 = (
    "中国2011年下半年的稀土配额再次引发世界目光的关注。7月14日，中国商务部在官方网站公布了今年第二"
    "批一般贸易"
    "稀土出口配额，总计15738吨的出口数量比之2010年的同期配额几乎翻倍，且2011年的稀土出口配额总量已"
    "与2010年"
    "的情况基本持平。"
)
QUOTA_8 = (
    "也就是从那年开始，相关部门开始有意识地降低稀土的出口配额。尤其是2009年和2010年间，中国稀土配额"
    "数量出现"
    "不小的降幅。数据显示，2009年稀土配额总量为4.81551万吨，2010年降为3.0259万吨，降幅高达40%左右，"
    "同时稀土"
    "出口还增加了15%至25%不等的关税。"
)
# articles/dup_02_a.json paragraph 7, dup_02_b.json 10, dup_03_a.json 2, 02.json 4 (cut).
COAL_7 = (
    "事实上，随着近期国内煤价走高、国际煤价回落，4月煤炭进口量环比已经出现23%的较大涨幅。特别是我国"
    "南部和"
    "沿海省份对海外煤的依赖上升。据记者了解，今年江西省对海外电煤的依赖已达到40%。目前进口煤价格高"
    "于国内煤价"
    "100元/吨左右。"
)
COAL_10 = (
    "据悉，我国自2009年成为煤炭净进口国以来，煤炭进口总量呈几何级数增长，2009年全年煤炭进口量是2008"
    "年的3.1倍。"
    "此后，除今年前两个月外，月度进口总量均维持在1000万吨以上。"
)
ORE_2 = (
    "根据铁矿石指数机构TSI的数据，目前矿价已经连续两周下跌。截至5月20日，青岛港品位63.5%的印度粉矿"
    "报价在181"
    "美元/吨。这与上周相比下跌了4—5美元/吨，跌幅超过2%。与4月下旬相比已经下跌了4%，与2月中旬的高位1"
    "97美元/吨"
    "相比更下跌了8%。"
)
MOFCOM_4 = (
    "同日，商务部发布2025年第18号公告，对钐、钆、铽、镝、镥、钪、钇等7类中重稀土相关物项实施出口管"
    "制；发布"
    "第21号公告，将16家美涉军实体列入出口管制管控名单，禁止向其出口两用物项。"
)

# ---- modelled on news usage (no real sentence in ../shared has the form) --------------
# NBS monthly release style (1—11月, 前三季度 with 同比).
NBS_PROFIT = "1—11月，全国规模以上工业企业实现利润总额66268.6亿元，同比增长0.1%。"
NBS_INCOME = "前三季度，全国居民人均可支配收入30941元，同比名义增长6.3%。"
# Regulation style: 不超过 / 不低于 / 不少于 / 多 after a number.
RULE_CAP = "外资股比不超过50%，研发投入占销售收入比例不低于3%，每年培训不少于40学时。"
PRICE_DUO = "记者走访发现，该款药品在多家药店的售价为120多元，比去年上涨约三成。"
# Price ranges with ～ and ~, a percentage range with —.
TICKETS = "景区门票价格为70～130元，每天接待游客50~60人，预计旺季价格将上涨5%—10%。"
# A tariff taking effect at a clock time (MOFCOM/State Council Tariff Commission style).
CLOCK = "上述措施自美国东部时间2025年11月10日12时01分起实施。"
# Product names: Alibaba's Hanguang 800 launch (2019), a plan name, an arms sale, units.
HANGUANG = (
    "阿里巴巴发布含光800芯片，在业界标准的ResNet-50测试中，其推理性能达到78563 IPS，能效比500IPS/W"
    "。"
)
PLAN = "“十四五”时期，我国将新建12英寸晶圆生产线，28nm工艺良率超过90%，端到端时延低于300ms。"
F35 = "美国国务院批准向波兰出售32架F-35战斗机。"
# Full-width digits and signs, traditional characters, numerals written out.
WIDE = "全年完成投资５００亿元，同比增长８．３％。"
TRADITIONAL = "全年社會消費品零售總額達1.2萬億元，其中網上零售額約3000億元。"
NUMERALS = "中央财政下达资金共计一百二十亿元，支持两千个村开展整治。"
FRACTION_10 = "全国约十分之一的耕地受到不同程度的污染，城乡居民人均收入比2010年翻一番。"


def findings(paragraphs: list[str], en: str, zh: str, cites: list[int]) -> list[str]:
    """The kinds of the findings on one claim over an article of `paragraphs`."""
    art = Article(
        id=hashlib.sha1("".join(paragraphs).encode()).hexdigest()[:12],
        title="新闻",
        source="test",
        published="2025-10-30",
        paragraphs=paragraphs,
    )
    brief = Brief(
        article=art,
        title=Bilingual(en="News", zh="新闻"),
        core_viewpoint=Claim(en="A report.", zh="新闻报道。", cites=[1]),
        groups=[
            Group(
                title=Bilingual(en="Facts", zh="事实"),
                claims=[Claim(en=en, zh=zh, cites=cites)],
            )
        ],
        meta=BriefMeta(model="test", prompt="brief@1", generated_at="2026-01-01T00:00:00"),
    )
    return sorted({f.kind for f in check_brief(brief)})


NOT_IN_SOURCE = ["number-not-in-source"]
MISMATCH = ["bilingual-mismatch"]
BOTH = ["bilingual-mismatch", "number-not-in-source"]

# (paragraphs, en, zh, cites, expected finding kinds): [] is a correct claim.
CASES: dict[str, tuple[list[str], str, str, list[int], list[str]]] = {
    # -- percent vs percentage points; 同比/环比 need no base year --
    "points": (
        [LONGHU_3],
        "In the first half, Longfor's gross and net margins fell 4.51 and 3.26 percentage "
        "points year on year.",
        "上半年，龙湖销售毛利率和净利率分别较去年同期下滑4.51个百分点和3.26个百分点。",
        [1],
        [],
    ),
    "pp": (
        [LONGHU_3],
        "Return on assets fell 0.21 pp from a year earlier.",
        "资产报酬率较去年同期下滑0.21个百分点。",
        [1],
        [],
    ),
    "points said as percent": (
        [LONGHU_3],
        "Longfor's gross margin fell 4.51% in the first half.",
        "龙湖上半年销售毛利率下滑4.51%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "points on one side only": (
        [LONGHU_3],
        "Longfor's gross margin fell 4.51% in the first half.",
        "龙湖上半年销售毛利率下滑4.51个百分点。",
        [1],
        BOTH,
    ),
    "year on year": (
        [LONGHU_2],
        "In the first half, Longfor's contracted sales were 105.62 billion yuan, up 8.8% year "
        "on year.",
        "上半年，龙湖实现合约销售金额1056.2亿元，同比增长8.8%。",
        [1],
        [],
    ),
    "year on year, wrong figure": (
        [LONGHU_2],
        "Longfor's turnover was 38.57 billion yuan, up 24.2% year on year.",
        "龙湖营业额385.7亿元，同比增长24.2%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "month on month": (
        [COAL_7],
        "Coal imports in April rose 23% month on month.",
        "4月煤炭进口量环比出现23%的涨幅。",
        [1],
        [],
    ),
    # -- bounds --
    "more than": (
        [EU_4],
        "The EU's countermeasures include tariffs on more than 90 billion euros of US goods.",
        "欧盟的反制措施包括对总额超过900亿欧元的美国产品加征关税。",
        [1],
        [],
    ),
    "no more than contains more than": (
        [EU_4],
        "The EU would tax no more than 90 billion euros of US goods.",
        "欧盟将对总额不超过900亿欧元的美国产品加征关税。",
        [1],
        NOT_IN_SOURCE,
    ),
    "at least, more than": (
        [KIRIN_10],
        "Behind the chip are three years of preparation, two of development and at least "
        "3,000 engineers.",
        "芯片背后是3年准备与2年研发，以及至少超过3000名工程师。",
        [1],
        [],
    ),
    "more than, rounded by the writer": (
        [KIRIN_8],
        "The Kirin 990 5G is the first mobile chip with more than 10 billion transistors.",
        "麒麟990 5G是全球首款晶体管数超过100亿的移动终端芯片。",
        [1],
        [],
    ),
    "more than, far below the source": (
        [KIRIN_8],
        "The Kirin 990 5G packs more than 6 billion transistors.",
        "麒麟990 5G装下了超过60亿个晶体管。",
        [1],
        NOT_IN_SOURCE,
    ),
    "less than (不到)": (
        [KIRIN_8],
        "The Kirin 980 fitted 6.9 billion transistors into less than one square centimetre.",
        "麒麟980芯片曾以不到一平方厘米装下69亿个晶体管。",
        [1],
        [],
    ),
    "nearly (近)": (
        [CHIP_19],
        "5G phones will overtake 4G phones in 2023, with shipments of nearly 800 million.",
        "5G手机将在2023年首次超过4G手机，达到近8亿部的出货量。",
        [1],
        [],
    ),
    "nearly is not more than": (
        [CHIP_19],
        "5G phone shipments will reach more than 800 million in 2023.",
        "2023年5G手机出货量将超过8亿部。",
        [1],
        NOT_IN_SOURCE,
    ),
    "below (以下)": (
        [CHIP_26],
        "Lu Weibing said 5G phones would fall below 2,000 yuan next year.",
        "卢伟冰表示，明年的5G手机肯定会降到2000元以下。",
        [1],
        [],
    ),
    "over (九成以上)": (
        [CHIP_24],
        "The yield of 4G phone chips may be over 90%.",
        "4G手机芯片的良率可能在九成以上。",
        [1],
        [],
    ),
    "over said as under": (
        [CHIP_24],
        "The yield of 4G phone chips may be under 90%.",
        "4G手机芯片的良率可能在九成以下。",
        [1],
        NOT_IN_SOURCE,
    ),
    "more than (逾)": (
        [CATHAY],
        "Cathay Pacific and Cathay Dragon have dismissed more than 12 staff.",
        "国泰及港龙航空已解雇逾12人。",
        [1],
        [],
    ),
    "more than (超过), said as up to": (
        [ORE_2],
        "Iron ore fell by up to 2% from the previous week.",
        "铁矿石价格较上周下跌不到2%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "no more than (不超过)": (
        [RULE_CAP],
        "Foreign ownership may be no more than 50%.",
        "外资股比不超过50%。",
        [1],
        [],
    ),
    "no more than said as more than": (
        [RULE_CAP],
        "Foreign ownership must be more than 50%.",
        "外资股比超过50%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "at least (不低于, 不少于)": (
        [RULE_CAP],
        "R&D must be at least 3% of sales, with no fewer than 40 hours of training a year.",
        "研发投入占销售收入比例不低于3%，每年培训不少于40学时。",
        [1],
        [],
    ),
    "at least said as below (不低于 contains 低于)": (
        [RULE_CAP],
        "R&D spending is below 3% of sales.",
        "研发投入占销售收入比例低于3%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "120多元 is more than 120 yuan": (
        [PRICE_DUO],
        "The drug sells for more than 120 yuan.",
        "该款药品售价为120多元。",
        [1],
        [],
    ),
    "120多元 is not less than 120 yuan": (
        [PRICE_DUO],
        "The drug sells for less than 120 yuan.",
        "该款药品售价不到120元。",
        [1],
        NOT_IN_SOURCE,
    ),
    # -- ranges --
    "1-7月 as January to July": (
        [DONGGUAN_5],
        "From January to July 2019, Dongguan's industrial value added rose 6.8% year on year.",
        "2019年1-7月，东莞规模以上工业增加值同比增长6.8%。",
        [1],
        [],
    ),
    "1-7月 as the first seven months": (
        [DONGGUAN_5],
        "In the first 7 months of 2019, Dongguan's imports and exports grew 4.4%.",
        "2019年1-7月，东莞进出口同比增长4.4%。",
        [1],
        [],
    ),
    "1-7月, wrong span": (
        [DONGGUAN_5],
        "In the first eight months of 2019, Dongguan's imports and exports grew 4.4%.",
        "2019年1-8月，东莞进出口同比增长4.4%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "1—11月 as January–November": (
        [NBS_PROFIT],
        "In January–November, industrial profits were 6.63 trillion yuan, up 0.1%.",
        "1—11月，全国规模以上工业企业实现利润总额66268.6亿元，同比增长0.1%。",
        [1],
        [],
    ),
    "1—11月 as the first 11 months": (
        [NBS_PROFIT],
        "Industrial profits rose 0.1% year on year in the first 11 months.",
        "前11个月，规模以上工业企业利润总额同比增长0.1%。",
        [1],
        [],
    ),
    "1—11月, wrong span": (
        [NBS_PROFIT],
        "Industrial profits rose 0.1% in the first 10 months.",
        "1-10月，规模以上工业企业利润同比增长0.1%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "39%至41%": (
        [LONGHU_30],
        "Land costs stayed between 39% and 41% of the average selling price.",
        "土地储备平均成本占营业销售均价的比重处于39%至41%之间。",
        [1],
        [],
    ),
    "4—5美元": (
        [ORE_2],
        "Indian fines fell 4-5 dollars a tonne from the week before.",
        "印度粉矿报价较上周下跌了4—5美元/吨。",
        [1],
        [],
    ),
    "15%至25%": (
        [QUOTA_8],
        "China also added export tariffs of 15% to 25% on rare earths.",
        "稀土出口还增加了15%至25%不等的关税。",
        [1],
        [],
    ),
    "15%至25%, wrong end": (
        [QUOTA_8],
        "China also added export tariffs of 15% to 35% on rare earths.",
        "稀土出口还增加了15%至35%不等的关税。",
        [1],
        NOT_IN_SOURCE,
    ),
    "70～130元 and 50~60": (
        [TICKETS],
        "Tickets cost 70-130 yuan and the site takes 50 to 60 visitors a day.",
        "景区门票价格为70～130元，每天接待游客50~60人。",
        [1],
        [],
    ),
    "70～130元, wrong end": (
        [TICKETS],
        "Tickets cost 70-150 yuan.",
        "景区门票价格为70～150元。",
        [1],
        NOT_IN_SOURCE,
    ),
    "5%—10% as 5-10%": (
        [TICKETS],
        "Prices are expected to rise 5-10% in the peak season.",
        "预计旺季价格将上涨5%—10%。",
        [1],
        [],
    ),
    "5-10% is not 5-15%": (
        [TICKETS],
        "Prices are expected to rise 5-15% in the peak season.",
        "预计旺季价格将上涨5%—15%。",
        [1],
        NOT_IN_SOURCE,
    ),
    # -- fractions and multiples --
    "三分之一 as a third": (
        [CHIP_5],
        "A 5G phone lasts only a third as long as a 4G phone on a charge.",
        "5G手机的使用时长仅有4G手机的三分之一。",
        [1],
        [],
    ),
    "三分之一左右 as about a third of": (
        [RARE_10],
        "China holds about a third of the world's rare-earth reserves.",
        "中国稀土储量占全球的三分之一左右。",
        [1],
        [],
    ),
    "a third said as a quarter": (
        [RARE_10],
        "China holds about a quarter of the world's rare-earth reserves.",
        "中国稀土储量约占全球的四分之一。",
        [1],
        NOT_IN_SOURCE,
    ),
    "四分之一 as a quarter of": (
        [STEEL_6],
        "The US imports about a quarter of its steel and about half of its aluminium.",
        "美国所需钢材约四分之一依赖进口，铝大约有一半依靠进口。",
        [1],
        [],
    ),
    "1/3 as a third": (
        [DONGGUAN_9],
        "Only a third of investors are cutting their positions.",
        "仅有1/3投资者在减仓。",
        [1],
        [],
    ),
    "十分之一 as a tenth": (
        [FRACTION_10],
        "About a tenth of the country's farmland is polluted.",
        "全国约十分之一的耕地受到污染。",
        [1],
        [],
    ),
    "a tenth said as a fifth": (
        [FRACTION_10],
        "About a fifth of the country's farmland is polluted.",
        "全国约五分之一的耕地受到污染。",
        [1],
        NOT_IN_SOURCE,
    ),
    "四成 as 40%": (
        [CHIP_30],
        "Two hours of use drained more than 40% of the battery.",
        "两个小时的使用消耗了手机超过四成的电量。",
        [1],
        [],
    ),
    "四成 is not 30%": (
        [CHIP_30],
        "Two hours of use drained more than 30% of the battery.",
        "两个小时的使用消耗了手机超过三成的电量。",
        [1],
        NOT_IN_SOURCE,
    ),
    "五到六成 as 50-60%": (
        [CHIP_24],
        "The yield of 7-nanometre chips is about 50-60%.",
        "7纳米目前的良率大约五到六成。",
        [1],
        [],
    ),
    "3倍以上 as more than three times": (
        [EXPORT_5],
        "Export value and unit price were both more than 3 times their 2009 levels.",
        "出口总额和单价都是2009年的3倍以上。",
        [1],
        [],
    ),
    "3倍以上 is not 4 times": (
        [EXPORT_5],
        "Export value was more than 4 times its 2009 level.",
        "出口总额是2009年的4倍以上。",
        [1],
        NOT_IN_SOURCE,
    ),
    "3.1倍 as 3.1 times": (
        [COAL_10],
        "Coal imports in 2009 were 3.1 times those of 2008.",
        "2009年全年煤炭进口量是2008年的3.1倍。",
        [1],
        [],
    ),
    "几乎翻倍 as almost doubled": (
        [QUOTA_2],
        "The second batch of 15,738 tonnes almost doubled the same batch of 2010.",
        "总计15738吨的出口数量比之2010年的同期配额几乎翻倍。",
        [1],
        [],
    ),
    "翻倍 is not 翻两番": (
        [QUOTA_2],
        "The second batch of 15,738 tonnes quadrupled the same batch of 2010.",
        "总计15738吨的出口数量比2010年的同期配额翻了两番。",
        [1],
        NOT_IN_SOURCE,
    ),
    "翻一番 as doubled": (
        [FRACTION_10],
        "Per-capita income has doubled from 2010.",
        "城乡居民人均收入比2010年翻一番。",
        [1],
        [],
    ),
    # -- quarters, halves, months, clock times --
    "二季度 as second quarter": (
        [GM_6],
        "GM's second-quarter net profit fell 35.4% year on year.",
        "通用汽车今年二季度净利润同比下跌35.4%。",
        [1],
        [],
    ),
    "二季度 as Q2": (
        [GM_6],
        "GM said tariffs cost it $1.1 billion in Q2.",
        "通用汽车称关税政策导致该公司二季度损失11亿美元。",
        [1],
        [],
    ),
    "二季度 said as first quarter": (
        [GM_6],
        "GM's first-quarter net profit fell 35.4% year on year.",
        "通用汽车一季度净利润同比下跌35.4%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "一季度 as Q1": (
        [CHIP_20],
        "MediaTek expects large-scale 5G chip deliveries in Q1 next year.",
        "联发科预计全球大规模的5G芯片交付会出现在明年一季度。",
        [1],
        [],
    ),
    "上半年 as H1": (
        [LONGHU_2],
        "Longfor's core profit was 4.70 billion yuan in H1, up 26%.",
        "上半年，龙湖核心溢利为47.0亿元，同比增长26%。",
        [1],
        [],
    ),
    "上半年 said as second half": (
        [LONGHU_2],
        "Longfor's core profit was 4.70 billion yuan in the second half, up 26%.",
        "下半年，龙湖核心溢利为47.0亿元，同比增长26%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "前三季度 as first three quarters": (
        [NBS_INCOME],
        "In the first three quarters, per-capita disposable income was 30,941 yuan, up 6.3%.",
        "前三季度，全国居民人均可支配收入30941元，同比名义增长6.3%。",
        [1],
        [],
    ),
    "前三季度 as the first nine months": (
        [NBS_INCOME],
        "Per-capita disposable income rose 6.3% in the first nine months.",
        "前三季度，居民人均可支配收入同比名义增长6.3%。",
        [1],
        [],
    ),
    "前三季度 said as first half": (
        [NBS_INCOME],
        "Per-capita disposable income rose 6.3% in the first half.",
        "上半年，居民人均可支配收入同比名义增长6.3%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "12时01分 as 12:01": (
        [CLOCK],
        "The measures take effect at 12:01 US Eastern time on November 10, 2025.",
        "上述措施自美国东部时间2025年11月10日12时01分起实施。",
        [1],
        [],
    ),
    "12时01分 is not 12:10": (
        [CLOCK],
        "The measures take effect at 12:10 on November 10, 2025.",
        "上述措施自2025年11月10日12时10分起实施。",
        [1],
        NOT_IN_SOURCE,
    ),
    # -- identifiers are not amounts --
    "麒麟990 named on one side only": (
        [KIRIN_1],
        "Huawei's new chip integrates the 5G baseband.",
        "华为推出的麒麟990芯片已将5G基带集成在内。",
        [1],
        [],
    ),
    "Kirin 990 and 2.3Gbps": (
        [KIRIN_4],
        "The Kirin 990 5G offers a peak download rate of 2.3Gbps.",
        "麒麟990 5G拥有全球最快的2.3Gbps峰值下载速率。",
        [1],
        [],
    ),
    "Hanguang 800, ResNet-50, 500IPS/W": (
        [HANGUANG],
        "Alibaba's Hanguang 800 reached 78,563 IPS on ResNet-50, at 500 IPS/W.",
        "含光800在ResNet-50测试中推理性能达到78563 IPS，能效比500IPS/W。",
        [1],
        [],
    ),
    "the 800 of 含光800 is no amount": (
        [HANGUANG],
        "Alibaba's chip reached 800 IPS/W.",
        "阿里巴巴的芯片能效比达到800 IPS/W。",
        [1],
        NOT_IN_SOURCE,
    ),
    "十四五, 12英寸, 28nm, 300ms": (
        [PLAN],
        "In the 14th Five-Year Plan period China will build 12-inch wafer lines; its 28nm "
        "yield exceeds 90% and latency is below 300 ms.",
        "“十四五”时期我国将新建12英寸晶圆生产线，28nm工艺良率超过90%，时延低于300ms。",
        [1],
        [],
    ),
    "28nm is not 14nm": (
        [PLAN],
        "China's 14nm process yield exceeds 90%.",
        "我国14nm工艺良率超过90%。",
        [1],
        NOT_IN_SOURCE,
    ),
    "300ms is not 100ms": (
        [PLAN],
        "End-to-end latency is below 100ms.",
        "端到端时延低于100ms。",
        [1],
        NOT_IN_SOURCE,
    ),
    "12英寸 is not 8-inch": (
        [PLAN],
        "China will build 8-inch wafer lines.",
        "我国将新建8英寸晶圆生产线。",
        [1],
        NOT_IN_SOURCE,
    ),
    "F-35": (
        [F35],
        "The US approved the sale of 32 F-35 fighter jets to Poland.",
        "美国批准向波兰出售32架F-35战斗机。",
        [1],
        [],
    ),
    "the 35 of F-35 is no amount": (
        [F35],
        "The US approved the sale of 35 F-35 jets to Poland.",
        "美国批准向波兰出售35架F-35战斗机。",
        [1],
        NOT_IN_SOURCE,
    ),
    "2025年第18号 is a document number": (
        [MOFCOM_4],
        "MOFCOM issued Announcement No. 18 of 2025 on export controls on 7 rare earths.",
        "商务部发布2025年第18号公告，对7类中重稀土相关物项实施出口管制。",
        [1],
        [],
    ),
    "2025年第18号, wrong year": (
        [MOFCOM_4],
        "MOFCOM issued Announcement No. 18 of 2024 on export controls.",
        "商务部发布2024年第18号公告，实施出口管制。",
        [1],
        NOT_IN_SOURCE,
    ),
    # -- scripts --
    "full-width digits": (
        [WIDE],
        "Investment for the year reached 50 billion yuan, up 8.3%.",
        "全年完成投资500亿元，同比增长8.3%。",
        [1],
        [],
    ),
    "full-width digits, wrong figure": (
        [WIDE],
        "Investment for the year reached 5 billion yuan, up 8.8%.",
        "全年完成投资５０亿元，同比增长８．８％。",
        [1],
        NOT_IN_SOURCE,
    ),
    "traditional 萬億 and 億": (
        [TRADITIONAL],
        "Retail sales reached 1.2 trillion yuan, about 300 billion of it online.",
        "社会消费品零售总额达1.2万亿元，其中网上零售额约3000亿元。",
        [1],
        [],
    ),
    "traditional 萬億, wrong scale": (
        [TRADITIONAL],
        "Retail sales reached 1.2 billion yuan.",
        "社会消费品零售总额达12亿元。",
        [1],
        NOT_IN_SOURCE,
    ),
    "一百二十亿 and 两千": (
        [NUMERALS],
        "Central funds of 12 billion yuan support 2,000 villages.",
        "中央财政下达资金共计一百二十亿元，支持两千个村。",
        [1],
        [],
    ),
    "一百二十亿 is not 120 billion": (
        [NUMERALS],
        "Central funds of 120 billion yuan support 2,000 villages.",
        "中央财政下达资金共计1200亿元，支持两千个村。",
        [1],
        NOT_IN_SOURCE,
    ),
    "两千元 (real)": (
        [CHIP_22],
        "MediaTek aims to bring 5G phones down to 2,000 yuan next year.",
        "联发科力争明年5G手机下探到两千元。",
        [1],
        [],
    ),
    "两千元 is not 3,000 yuan": (
        [CHIP_22],
        "MediaTek aims to bring 5G phones down to 3,000 yuan next year.",
        "联发科力争明年5G手机下探到三千元。",
        [1],
        NOT_IN_SOURCE,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_news_numbers(name: str) -> None:
    paragraphs, en, zh, cites, expected = CASES[name]
    assert findings(paragraphs, en, zh, cites) == expected


def test_every_category_has_cases_that_pass_and_fail() -> None:
    passing = [n for n, case in CASES.items() if not case[4]]
    failing = [n for n, case in CASES.items() if case[4]]
    assert len(passing) >= 40 and len(failing) >= 30


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("Gross margin fell 4.51 percentage points.", "毛利率下滑4.51%。"),
        ("Sales rose in the first quarter.", "二季度销售增长。"),
        ("The measures take effect at 12:01.", "措施自13时01分起实施。"),
        ("China holds a third of reserves.", "中国储量占全球的四分之一。"),
        ("More than 3,000 engineers worked on it.", "不到3000名工程师参与研发。"),
    ],
)
def test_the_two_languages_must_state_the_same_quantity(en: str, zh: str) -> None:
    """The other language is checked too: each of these pairs disagrees (the source aside)."""
    paragraphs = [en + zh]  # the source holds both, so only the bilingual check can fire
    assert findings(paragraphs, en, zh, [1]) == MISMATCH


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("下滑4.51个百分点", "points", "4.51"),
        ("fell 2 pp", "points", "2"),
        ("rose 2%", "percent", "2"),
        ("1—11月", "period", "111"),
        ("January–November", "period", "111"),
        ("前三季度", "period", "109"),
        ("H1", "period", "106"),
        ("12时01分", "time", "1201"),
        ("3 p.m.", "time", "1500"),
        ("下午3时", "time", "1500"),
        ("三成", "percent", "30"),
        ("翻一番", "amount", "2"),
        ("28nm", "amount", "28"),
        ("500IPS/W", "amount", "500"),
        ("１．２萬億元", "amount", "1.2e12"),
        ("一百二十亿", "amount", "1.2e10"),
    ],
)
def test_each_form_reads_as_its_quantity(text: str, kind: str, value: str) -> None:
    (q,) = extract_quantities(text)
    assert (q.kind, q.value) == (kind, Decimal(value))


@pytest.mark.parametrize(
    "text", ["5G手机", "含光800芯片", "麒麟990 5G", "“十四五”规划", "F-35", "ResNet-50"]
)
def test_names_state_no_amount(text: str) -> None:
    assert extract_quantities(text) == []


def _correct(name: str) -> bool:
    """An authored brief answer that is meant to be right (one is wrong on purpose)."""
    answers = EXAMPLES / "answers"
    return (answers / f"{name}.json").exists() and not (
        answers / f"{name}.DELIBERATE-MISTAKE.md"
    ).exists()


def _example_briefs() -> list[Brief]:
    """The correct authored briefs of the weekly example's articles (examples/answers/)."""
    briefs = []
    for path in sorted((EXAMPLES / "weekly").iterdir()):
        for art in read_source(str(path)):
            if _correct(art.id):
                briefs.append(brief_of(art))
    return briefs


def test_the_correct_example_briefs_raise_no_finding() -> None:
    """examples/answers/ are correct briefs of real articles: any finding is a false alarm."""
    briefs = _example_briefs()
    # every answer but the stories', the week in brief's and the one wrong on purpose
    answers = {
        p.stem
        for p in (EXAMPLES / "answers").glob("[0-9a-f]*.json")
        if len(p.stem) == 12 and _correct(p.stem)
    }
    assert {b.article.id for b in briefs} == answers  # every authored brief is checked
    found = {b.article.id: check_brief(b) for b in briefs}
    assert {k: v for k, v in found.items() if v} == {}
    quantities = [
        q
        for b in briefs
        for _, c in b.claims_with_paths()
        for q in extract_quantities(c.en) + extract_quantities(c.zh)
    ]
    assert len(quantities) > 100  # the briefs do state numbers: the check above can fail
