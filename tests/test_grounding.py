"""The grounding checks on real articles: correct claims pass, wrong ones get the right finding."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from briefing.grounding import check_brief
from briefing.models import Article, Bilingual, Brief, BriefMeta, Claim, Finding, Group

# The reference export's Sohu article (shared/reference), its body split at the paragraph
# breaks the export shows, line-wrap spaces removed; the trailing disclaimer left out.
REFERENCE = Article(
    id="426471cc0c5e",
    title="中美“斗法”把俄罗斯打醒,绍伊古:稀土产业必须独立自主!",
    source="Sou Hu Cai Jing",
    published="2025-10-25T12:49:00",
    paragraphs=[
        (
            '虽然绍伊古这番未雨绸缪颇有远见,而且早在今年2月,中美"稀土大战"最激烈的时候,'
            "普京就专门主持召开俄稀土行业发展会议,表示已经实现稀土产品产量的倍增,"
            "还向美国抛出橄榄枝,愿意在稀土方面合作。"
        ),
        (
            "据俄卫星网报道,当地时间10月24日,俄联邦安全会议秘书绍伊古称,俄罗斯迫切需要"
            '建立一套,完全独立于中美的"自主稀土金属产业链"。'
        ),
        (
            "他表示俄罗斯政府应该大力推动本国的稀土产业发展,打造一套从稀土开采到提纯的完整"
            '"国产产业链",为此将投资7000亿卢布(约合618亿元人民币),在西伯利亚打造'
            '"关键稀土金属加工集群"。'
        ),
        (
            '看来中美这场"贸易大战",把俄罗斯先给打醒了,俄罗斯看到失去中国稀土后美国的'
            "下场,不得不警惕起来。"
        ),
        (
            '以目前俄罗斯的能力,还达不到"自给自足"的水平,俄罗斯缺乏的不只是设备,'
            "还有技术,短期内均无法实现。"
        ),
        (
            "当然,俄罗斯的这个动作,中国也有必要关注,虽然现阶段我国在稀土领域的优势非常大,"
            "但我们也应该利用领先时期,建立和稀土相关的国际秩序,让我们可以在该领域能成为"
            '"掌握规则者",未来即使其他国家也开发出了稀土研发技术,也可以通过国际规则,'
            "将稀土领域的话语权,牢牢掌握在中国人手中。"
        ),
    ],
)

# Real articles from shared/data/articles, paragraphs verbatim (26 cut after paragraph 10).
ARTICLES: dict[str, dict[str, Any]] = {
    "01": {
        "title": "李强签署国务院令 公布《稀土管理条例》",
        "published": "2024-06-29",
        "paragraphs": [
            (
                "央视网消息（新闻联播）：国务院总理李强日前签署国务院令，公布《稀土管理条"
                "例》（以下简称《条例》），自2024年10月1日起施行。《条例》共32条"
                "，主要规定了以下内容。"
            ),
            (
                "一是明确工作原则。规定稀土管理工作应当贯彻落实党和国家的路线方针政策、决"
                "策部署，坚持保护资源与开发利用并重，遵循统筹规划、保障安全、科技创新、绿"
                "色发展的原则。"
            ),
            (
                "二是加强稀土资源保护。明确稀土资源属于国家所有，任何组织和个人不得侵占或"
                "者破坏稀土资源，国家对稀土资源实行保护性开采。"
            ),
            (
                "三是健全稀土管理体制。规定国务院工业和信息化、自然资源等有关部门在稀土管"
                "理方面的职责，明确县级以上地方人民政府负责本地区稀土管理有关工作。"
            ),
            (
                "四是促进稀土产业高质量发展。明确国家对稀土产业发展实行统一规划，鼓励和支"
                "持稀土产业新技术、新工艺、新产品、新材料、新装备的研发和应用。规定稀土生"
                "产企业应当遵守有关矿产资源、节能环保、清洁生产、安全生产和消防的法律法规"
                "，保障实现绿色发展、安全生产。"
            ),
            (
                "五是完善稀土全产业链监管体系。规定对稀土开采和稀土冶炼分离实行总量调控，"
                "并优化动态管理。进一步规范稀土综合利用，建立产品追溯制度，严格流通管理。"
            ),
            (
                "六是明确监督管理措施和法律责任。规定工业和信息化主管部门和其他有关部门按"
                "照职责分工对稀土的开采、冶炼分离、金属冶炼、综合利用、产品流通、进出口等"
                "活动进行监督检查，对违法行为及时依法处理。对非法从事稀土开采、冶炼分离等"
                "违法行为规定了相应的法律责任。"
            ),
        ],
    },
    "02": {
        "title": "我国已将美“对等关税”相关做法起诉至世贸组织争端解决机制",
        "published": "2025-04-04",
        "paragraphs": [
            (
                "央视网消息（新闻联播）：美国东部时间4月2日，美方宣布“对等关税”政策，"
                "其中，对中国输美商品加征34%的“对等关税”，4月9日生效。"
            ),
            (
                "商务部新闻发言人今天（4月4日）宣布，美方征收所谓“对等关税”，严重违反"
                "世贸组织规则，严重损害世贸组织成员正当合法权益，严重破坏以规则为基础的多"
                "边贸易体制和国际经贸秩序，是典型的单边霸凌做法，危害全球经贸秩序稳定。中"
                "方已在世贸组织争端解决机制下起诉美相关做法。"
            ),
            (
                "同时，国务院关税税则委员会今天发布公告，自4月10日12时01分起，对原"
                "产于美国的所有进口商品，在现行适用关税税率基础上加征34%关税。"
            ),
            (
                "同日，商务部发布2025年第18号公告，对钐、钆、铽、镝、镥、钪、钇等7"
                "类中重稀土相关物项实施出口管制；发布第21号公告，将16家美涉军实体列入"
                "出口管制管控名单，禁止向其出口两用物项。不可靠实体清单工作机制发布202"
                "5年第7号公告，将11家实体列入不可靠实体清单，并采取禁止其从事与中国有"
                "关的进出口活动、禁止其在中国境内新增投资等两项措施。商务部发布2025年"
                "第19、20号公告，对原产于美国等地的进口相关医用CT球管发起反倾销立案"
                "调查，对进口医用CT球管发起我国首起产业竞争力立案调查。"
            ),
            (
                "同日，海关总署发布第54号和第55号公告，为保护中国消费者健康，保障中国"
                "畜牧业生产安全，由于相关进口产品存在检验检疫问题，决定暂停1家美国涉事企"
                "业高粱输华资质，3家美国涉事企业禽肉骨粉输华资质，并暂停2家美国涉事企业"
                "禽肉产品输华。"
            ),
        ],
    },
    "03": {
        "title": "商务部新闻发言人介绍中美吉隆坡经贸磋商情况",
        "published": "2025-10-30",
        "paragraphs": [
            (
                "央视网消息（新闻联播）：商务部新闻发言人今天（10月30日）介绍了中美吉"
                "隆坡经贸磋商情况。"
            ),
            (
                "新闻发言人表示：中美两国元首今天在韩国釜山举行会晤，深入讨论了中美经贸关"
                "系等议题，同意加强经贸等领域合作。中方愿与美方一道，共同维护好、落实好两"
                "国元首会晤重要共识。"
            ),
            "中美经贸团队通过吉隆坡磋商，达成的成果共识主要有以下几方面：",
            (
                "一、美方将取消针对中国商品（包括香港特别行政区和澳门特别行政区商品）加征"
                "的10%所谓“芬太尼关税”，对中国商品（包括香港特别行政区和澳门特别行政"
                "区商品）加征的24%对等关税将继续暂停一年。中方将相应调整针对美方上述关"
                "税的反制措施。双方同意继续延长部分关税排除措施。"
            ),
            (
                "二、美方将暂停实施其9月29日公布的出口管制50%穿透性规则一年。中方将"
                "暂停实施10月9日公布的相关出口管制等措施一年，并将研究细化具体方案。"
            ),
            (
                "三、美方将暂停实施其对华海事、物流和造船业301调查措施一年。美方暂停实"
                "施相关措施后，中方也将相应暂停实施针对美方的反制措施一年。"
            ),
            (
                "此外，双方还就芬太尼禁毒合作、扩大农产品贸易、相关企业个案处理等问题达成"
                "共识。双方进一步确认了马德里经贸磋商成果，美方在投资等领域作出积极承诺，"
                "中方将与美方妥善解决TikTok相关问题。"
            ),
            (
                "中美吉隆坡经贸磋商取得积极成果，充分证明双方秉持平等、尊重和互惠的精神，"
                "通过开展对话与合作，能找到解决问题的办法。经贸磋商成果来之不易，中方期待"
                "与美方共同做好落实工作，为中美经贸合作与世界经济注入更多确定性和稳定性。"
            ),
        ],
    },
    "06": {
        "title": "中美在经贸领域达成重要共识",
        "published": "2025-05-12",
        "paragraphs": [
            (
                "央视网消息（新闻联播）：当地时间5月10日至11日，中美经贸中方牵头人、"
                "国务院副总理何立峰与美方牵头人、美国财政部长贝森特和贸易代表格里尔在瑞士"
                "日内瓦举行中美经贸高层会谈。双方围绕落实今年1月17日中美元首通话重要共"
                "识进行了坦诚、深入、具有建设性的沟通，在经贸领域达成一系列重要共识。当地"
                "时间5月12日上午9:00，双方发布《中美日内瓦经贸会谈联合声明》。"
            ),
            (
                "美方承诺取消根据2025年4月8日第14259号行政令和2025年4月9"
                "日第14266号行政令对中国商品加征的共计91%的关税，修改2025年4"
                "月2日第14257号行政令对中国商品加征的34%的对等关税，其中24%的"
                "关税暂停加征90天，保留剩余10%的关税。相应地，中方取消对美国商品加征"
                "的共计91%的反制关税；针对美对等关税的34%反制关税，相应暂停其中24"
                "%的关税90天，其余10%的关税予以保留。中方还相应暂停或取消对美国的相"
                "关非关税反制措施。"
            ),
            (
                "中美双方认识到双边经贸关系对两国和全球经济的重要性，一致同意建立经贸磋商"
                "机制，本着相互开放、持续沟通、合作和相互尊重的精神，就双方在经贸领域的各"
                "自关切保持沟通。"
            ),
        ],
    },
    "13": {
        "title": "国际货币基金组织称贸易战升级或对全球经济造成重大影响",
        "published": "2025-07-23",
        "paragraphs": [
            (
                "央视网消息（新闻联播）：国际货币基金组织22日发布报告称，美国关税政策引"
                "发的贸易战升级或将对全球宏观经济造成重大影响。报告说，更高的关税将导致进"
                "口价格上涨从而加剧通胀压力，同时关税的不确定性还可能削弱消费者和企业信心"
                "，加剧金融市场波动。"
            ),
            (
                "国际货币基金组织首席经济学家古兰沙当天进一步警告称，贸易壁垒增加对全球经"
                "济的损害将是持久的。"
            ),
            "法国称与美贸易谈判未见成效 欧方须展现更强硬立场",
            (
                "法国工业与能源部长费拉奇22日表示，如果在8月1日前无法与美国达成协议，"
                "欧盟必须采取反制措施，其中包括对总额超过900亿欧元的美国产品加征关税。"
                "费拉奇说，当前谈判未见成效，欧洲方面须调整策略，展现更强硬、可信的立场。"
            ),
            "美国通用汽车称关税影响致其利润大幅下跌",
            (
                "美国通用汽车公司22日发布二季度业绩报告显示，该公司今年二季度净利润同比"
                "下跌35.4%。美国媒体报道称，美国政府关税政策导致该公司二季度损失11"
                "亿美元。通用汽车还称，预计关税影响将进一步加剧，该公司今年可能因此损失4"
                "0亿至50亿美元。"
            ),
            (
                "另据美国媒体22日报道，美国一家橙汁进口和销售商日前对美国政府发起诉讼，"
                "称美国对巴西产品征收高额关税将对该公司造成近7000万美元的损失，同时导"
                "致商品价格上涨，影响消费者利益。美国进口橙汁主要来自巴西。"
            ),
        ],
    },
    "26": {
        "title": "今年稀土出口配额超预期大幅增加 同比增97.3%",
        "published": "2011-07-15",
        "paragraphs": [
            (
                "在欧盟贸易代表来华之际，中国商务部于昨日公布了2011年第二批稀土出口配"
                "额——15738吨，由全国26家出口企业分享。这一配额数据，较2010年"
                "同期的配额7976吨增加97.3%。"
            ),
            (
                "商务部网站昨日刊发《关于下达2011年第二批一般贸易稀土出口配额的通知》"
                "(《通知》)，披露了上述数据。"
            ),
            "陈德铭：不担心WTO会拿稀土开刀",
            (
                "经计算，上述配额加上2011年首批稀土配额14446吨，2011年全年中"
                "国稀土出口配额总计30184吨，比2010年增长24.32%。"
            ),
            (
                "百川资讯稀土行业分析师鲁明称，2011年稀土出口配额大幅增长，与2010"
                "年相对2009年大幅下降，“都是超预期的”。根据这一两年相关部门对稀土行"
                "业的管控，本来行业预期今年整体稀土出口配额会跟上年持平，或者小幅下降。"
            ),
            (
                "据路透社14日报道，上述第二批配额公布当日，中国商务部部长陈德铭在北京举"
                "行的第25届中国-欧盟经贸混委会间隙表示，已进行有效沟通，对世界贸易组织"
                "(WTO)对中国稀土政策作出的任何可能的裁决结果，他不是非常担忧。"
            ),
            (
                "据陈德铭介绍，昨日的会谈中，欧盟对中国贸易中的强制性产品认证、出口信贷和"
                "原材料出口等表示了关注。中方也对高技术贸易、传统草药的注册等发表了看法，"
                "对欧盟近期一系列贸易救济措施特别是反补贴措施表示了“严重关切”。"
            ),
            (
                "陈德铭对稀土政策加以评论之前，美国当地时间7月5日，WTO初步裁定中国九"
                "种工业原材料限制出口做法违规。外界普遍预计，WTO的最新裁定，将为美欧在"
                "稀土问题上对中国提起申诉铺平道路。欧盟贸易高官也传递了类似的声音。"
            ),
            (
                "第25届中国-欧盟经贸混委会由陈德铭与欧盟委员会贸易委员德古赫特共同主持"
                "。德古赫特昨日告诉媒体，与陈德铭会面时接收到的信息是，中国将研究稀土出口"
                "新政策，而欧盟将继续说服中国停止对稀土出口的限制，因为稀土对欧盟的高科技"
                "和就业非常重要。"
            ),
            (
                "稀土是17种元素的统称，被认为是制造高科技和军工产品的关键原料。中国稀土"
                "储量占全球的三分之一左右，是世界第一大稀土生产国，近15年来为全球提供了"
                "90%以上的稀土产量。"
            ),
        ],
    },
    "27": {
        "title": "中国稀土产业政策调整成效明显",
        "published": "2011-08-09",
        "paragraphs": [
            (
                "记者在8日召开的第三届“中国包头·稀土产业论坛”上了解到，过去几年里中国"
                "实施的稀土产业政策调整，取得了明显成效。"
            ),
            (
                "进入21世纪后，随着中国稀土产业快速发展，稀土产业总体规模过大、资源消耗"
                "速度过快、稀土资源保护与高效利用、环境保护等问题日益突出。"
            ),
            (
                "中国工程院副院长、中国稀土学会理事长干勇介绍说，针对这些问题，2005年"
                "以来中国实施了一系列稀土产业政策调整，比如从取消稀土产品出口退税到增加关"
                "税，实行稀土矿产品和冶炼分离产品总量控制，建立稀土行业准入制度，实施更加"
                "严格的稀土工业污染物排放标准，增加资源税，控制产业规模，促进稀土行业整合"
                "以及根据市场需求调整出口配额，等等。"
            ),
            (
                "随着这些政策发力，近年来稀土产品的价格稳步攀升。干勇举例说，中国稀土产业"
                "从2009年的全行业亏损到2010年盈利，充分体现了宏观调控对稀土市场的"
                "作用。"
            ),
            (
                "据介绍，2009年中国共出口稀土产品约3.6万吨(以氧化物计)，出口额约"
                "为3.1亿美元。2010年，中国出口稀土产品约3.5万吨，出口金额约为9"
                ".4亿美元，出口均价约为每千克27.2美元，出口总额和单价都是2009年"
                "的3倍以上，取得了很好的经济效益。"
            ),
            (
                "干勇说，《国务院关于促进稀土行业持续健康发展的若干意见》出台，标志着中国"
                "稀土产业已经进入新的发展阶段。他说，加强和改善稀土行业管理，保护好、开发"
                "好、利用好稀土战略资源，对保护生态环境和资源、改造提升传统产业、加快培育"
                "发展战略性新兴产业，具有重要的促进作用。下一步，中国将在统计、分析清楚相"
                "关数据的基础上，通过宏观布局、正确引导，做好上下游匹配，促进稀土产业持续"
                "健康发展。"
            ),
        ],
    },
    "dup_03_b": {
        "title": "铁矿石开跌 紧缩政策影响钢铁行业",
        "published": "2011-05-24",
        "paragraphs": [
            (
                "货币政策持续紧缩对钢铁行业的影响正逐步显现。在钢价持续弱势盘整的情况下,"
                "铁矿石价格已开始下跌。业内人士对记者表示,负面因素的影响正逐步占据主要地"
                "位。资金链的紧张和下游需求的不明朗让产业链上下游都开始谨慎观望,铁矿石市"
                "场正受到持续打压,价格很可能进一步下探。"
            ),
            (
                "根据铁矿石指数机构TSI的数据,目前矿价已经连续两周下跌。截至5月20日"
                ",青岛港品位63.5%的印度粉矿报价在181美元/吨。这与上周相比下跌了"
                "4—5美元/吨,跌幅超过2%。与4月下旬相比已经下跌了4%,与2月中旬的"
                "高位197美元/吨相比更下跌了8%。"
            ),
        ],
    },
}


def article(key: str) -> Article:
    """One of ARTICLES, or "ref" for the reference export's article."""
    if key == "ref":
        return REFERENCE
    data = ARTICLES[key]
    return Article(id=hashlib.sha1(key.encode()).hexdigest()[:12], **data)


def make_brief(art: Article, *claims: Claim, core: Claim | None = None) -> Brief:
    """A brief over `art` whose one group holds `claims`; the core viewpoint states no number."""
    return Brief(
        article=art,
        title=Bilingual(en="Rare earths", zh="稀土"),
        core_viewpoint=core or Claim(en="A policy is reported.", zh="文章报道政策。", cites=[1]),
        groups=[Group(title=Bilingual(en="Facts", zh="事实"), claims=list(claims))],
        meta=BriefMeta(model="test", prompt="brief@1", generated_at="2026-01-01T00:00:00"),
    )


def check(key: str, en: str, zh: str, *cites: int) -> list[Finding]:
    """The findings on one claim about article `key`."""
    return check_brief(make_brief(article(key), Claim(en=en, zh=zh, cites=list(cites))))


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


# Correct claims, in the shape a careful analyst writes them: no finding.
CORRECT: list[tuple[str, str, str, list[int]]] = [
    (
        "ref",
        "Russia will invest 700 billion rubles (about 61.8 billion yuan) in a processing cluster.",
        "俄罗斯将投资7000亿卢布(约合618亿元人民币)打造加工集群。",
        [3],
    ),
    ("ref", "The investment is about 62 billion yuan.", "投资约合620亿元人民币。", [3]),
    ("ref", "The plan costs more than 60 billion yuan.", "该计划耗资超过600亿元。", [3]),
    ("ref", "On October 24, Shoigu called for independence.", "10月24日,绍伊古呼吁独立。", [2]),
    ("ref", "On Oct. 24, Shoigu spoke.", "当地时间10月24日,绍伊古发表讲话。", [2]),
    ("ref", "In February 2025 Putin held a meeting.", "今年2月,普京召开会议。", [1]),
    ("ref", "Russia needs 5G chips and parts for the F-35.", "俄罗斯需要5G芯片和F-35零件。", [5]),
    (
        "ref",
        "COVID-19 and the G7 are not mentioned.",
        "中美贸易大战把俄罗斯打醒了，与COVID-19和七国集团(G7)无关。",
        [4],
    ),
    ("ref", "Two countries fight a trade war.", "两国打贸易战。", [4]),
    (
        "01",
        "The regulations take effect on October 1, 2024 and have 32 articles.",
        "《条例》自2024年10月1日起施行,共32条。",
        [1],
    ),
    ("01", "The regulations take effect in 2024.", "条例于2024年施行。", [1]),
    ("01", "Article 1 states the working principles.", "一是明确工作原则。", [2]),
    (
        "02",
        "The US announced a 34% reciprocal tariff on April 2, effective April 9.",
        "美方4月2日宣布加征34%的“对等关税”，4月9日生效。",
        [1],
    ),
    ("02", "China adds a 34% tariff from April 10.", "自4月10日起加征34%关税。", [3]),
    (
        "02",
        "Announcement No. 18 of 2025 controls 7 categories; 16 US entities are listed.",
        "2025年第18号公告管制7类物项，16家美国实体被列入名单。",
        [4],
    ),
    ("02", "It takes 2 measures against them.", "对其采取两项措施。", [4]),
    ("03", "The US will suspend its Section 301 measures.", "美方将暂停301调查措施。", [6]),
    (
        "03",
        "The 50% rule of September 29 is suspended; the 10% fentanyl tariff is removed.",
        "暂停9月29日公布的50%穿透性规则，取消10%芬太尼关税。",
        [4, 5],
    ),
    (
        "06",
        "Talks were held in Geneva on May 10-11; a joint statement came at 9:00 on May 12.",
        "5月10日至11日在日内瓦会谈，5月12日上午9:00发布联合声明。",
        [1],
    ),
    (
        "06",
        "The US cancels the 91% tariffs under Executive Order 14259 of April 8, 2025.",
        "美方取消依据2025年4月8日第14259号行政令加征的共计91%的关税。",
        [2],
    ),
    ("06", "24% is suspended for 90 days and 10% kept.", "24%暂停加征90天，保留10%。", [2]),
    (
        "13",
        "The EU may tax more than 90 billion euros of US goods if no deal by August 1.",
        "如8月1日前未达成协议，欧盟可能对超过900亿欧元的美国产品加征关税。",
        [4],
    ),
    (
        "13",
        "GM's net profit fell 35.4%; tariffs cost it $1.1 billion and may cost $4-5 billion.",
        "通用汽车净利润下跌35.4%，关税致其损失11亿美元，全年或损失40亿至50亿美元。",
        [6],
    ),
    (
        "13",
        "An importer expects a loss of nearly $70 million.",
        "进口商称将损失近7000万美元。",
        [7],
    ),
    (
        "26",
        "The second 2011 batch was 15,738 tonnes for 26 firms, up 97.3% on 7,976 tonnes in 2010.",
        "2011年第二批配额15738吨，由26家企业分享，较2010年同期7976吨增加97.3%。",
        [1],
    ),
    (
        "26",
        "The 2011 total is 30,184 tonnes, up 24.32% on 2010.",
        "2011年全年配额总计30184吨，比2010年增长24.32%。",
        [4],
    ),
    (
        "26",
        "Rare earths are 17 elements; China supplied over 90% for nearly 15 years.",
        "稀土是17种元素的统称，中国近15年来提供了90%以上的产量。",
        [10],
    ),
    ("26", "The quotas were announced on July 14.", "配额于14日公布。", [6]),
    (
        "27",
        "China exported about 36,000 tonnes worth about $310 million in 2009.",
        "2009年中国出口稀土约3.6万吨，出口额约3.1亿美元。",
        [5],
    ),
    (
        "27",
        "In 2010 the average export price was about $27.2/kg, more than three times 2009.",
        "2010年出口均价约为每千克27.2美元，是2009年的3倍以上。",
        [5],
    ),
    (
        "dup_03_b",
        "On May 20, Indian fines of 63.5% grade were quoted at $181 per tonne, down 4-5 dollars.",
        "截至5月20日,品位63.5%的印度粉矿报价181美元/吨,下跌4—5美元/吨。",
        [2],
    ),
]


@pytest.mark.parametrize(("key", "en", "zh", "cites"), CORRECT)
def test_correct_claims_pass(key: str, en: str, zh: str, cites: list[int]) -> None:
    assert check(key, en, zh, *cites) == []


def test_a_whole_correct_brief_passes() -> None:
    claims = [Claim(en=en, zh=zh, cites=cites) for key, en, zh, cites in CORRECT if key == "ref"]
    assert check_brief(make_brief(REFERENCE, *claims, core=claims[0])) == []


# --- Wrong claims ---------------------------------------------------------------------


def test_wrong_number_is_not_in_source() -> None:
    findings = check("ref", "Russia will invest 800 billion rubles.", "俄罗斯将投资8000亿卢布。", 3)
    assert kinds(findings) == ["number-not-in-source", "number-not-in-source"]
    assert findings[0].where == "groups[0].claims[0]"
    assert findings[0].detail == "800 billion appears nowhere in the article"
    assert findings[1].detail == "8000亿 appears nowhere in the article"


def test_number_from_another_paragraph_names_that_paragraph() -> None:
    findings = check("ref", "Russia will invest 700 billion rubles.", "俄罗斯将投资7000亿卢布。", 2)
    assert kinds(findings) == ["number-not-in-cited", "number-not-in-cited"]
    assert findings[0].detail == "700 billion not found in paragraph 2; it appears in paragraph 3"
    assert findings[1].detail == "7000亿 not found in paragraph 2; it appears in paragraph 3"


def test_number_in_several_other_paragraphs() -> None:
    findings = check("02", "The US imposed a 34% tariff.", "美方加征34%关税。", 2)
    # Stated in both languages, reported once.
    assert [f.detail for f in findings] == [
        "34% not found in paragraph 2; it appears in paragraphs 1 and 3"
    ]


def test_cited_range_counts_any_cited_paragraph() -> None:
    assert check("ref", "Russia will invest 700 billion rubles.", "投资7000亿卢布。", 2, 3) == []


def test_number_only_in_the_title() -> None:
    # Article 26 without its first paragraph: 97.3% is left only in the headline.
    art = article("26").model_copy(update={"paragraphs": ARTICLES["26"]["paragraphs"][1:]})
    claim = Claim(en="Export quotas rose 97.3%.", zh="出口配额增加97.3%。", cites=[1])
    findings = check_brief(make_brief(art, claim))
    assert kinds(findings) == ["number-not-in-cited"]  # both languages: one finding
    assert findings[0].detail == "97.3% not found in paragraph 1; it appears only in the title"


def test_rounded_without_saying_so_at_the_wrong_precision() -> None:
    findings = check("ref", "It costs 60 billion yuan.", "耗资600亿元。", 3)
    assert kinds(findings) == ["number-not-in-source", "number-not-in-source"]


def test_number_nowhere_in_source() -> None:
    findings = check("ref", "The fund is 1.2 trillion rubles.", "基金规模1.2万亿卢布。", 3)
    assert kinds(findings) == ["number-not-in-source"] * 2


def test_year_off_by_one() -> None:
    # The paragraph is about 2011's second batch.
    findings = check(
        "26", "The 2012 second batch was 15,738 tonnes.", "2012年第二批配额15738吨。", 1
    )
    assert kinds(findings) == ["number-not-in-source"] * 2
    assert findings[0].detail == "2012 appears nowhere in the article"


def test_year_from_another_paragraph() -> None:
    findings = check("26", "Quotas fell in 2009.", "2009年配额下降。", 1)
    assert [f.detail for f in findings] == [
        "2009 not found in paragraph 1; it appears in paragraph 5",
        "2009年 not found in paragraph 1; it appears in paragraph 5",
    ]


def test_the_reference_exports_wrong_year_is_caught() -> None:
    # The export says "since early 2023"; the article (published 2025) says 今年2月.
    findings = check("ref", "It has been a focus since early 2023.", "自2023年初以来备受关注。", 1)
    assert kinds(findings) == ["number-not-in-source"] * 2


def test_wrong_date() -> None:
    findings = check("ref", "On October 25, Shoigu spoke.", "10月25日,绍伊古发表讲话。", 2)
    assert kinds(findings) == ["number-not-in-source"] * 2
    assert findings[0].detail == "October 25 appears nowhere in the article"


def test_cite_out_of_range() -> None:
    findings = check("ref", "Russia needs its own industry.", "俄罗斯需要自己的产业。", 9)
    assert kinds(findings) == ["cite-out-of-range"]
    assert findings[0].detail == "cites paragraph 9, but the article has paragraphs 1-6"
    findings = check("ref", "Russia needs its own industry.", "俄罗斯需要自己的产业。", 0, 2, 7)
    assert findings[0].detail == "cites paragraphs 0 and 7, but the article has paragraphs 1-6"


def test_out_of_range_cites_leave_only_the_source_check() -> None:
    findings = check("ref", "Russia will invest 700 billion rubles.", "投资7000亿卢布。", 9)
    assert kinds(findings) == ["cite-out-of-range"]
    findings = check("ref", "Russia will invest 800 billion rubles.", "投资8000亿卢布。", 9)
    assert kinds(findings) == ["cite-out-of-range", "number-not-in-source", "number-not-in-source"]


def test_no_cites() -> None:
    findings = check("ref", "Russia needs its own industry.", "俄罗斯需要自己的产业。")
    assert kinds(findings) == ["cite-missing"]
    assert "cite" in findings[0].detail


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("It is worth 61.8 billion yuan.", "价值628亿元人民币。"),
        ("It is worth about 61.8 billion yuan.", "约合628亿元人民币。"),
    ],
)
def test_bilingual_mismatch(en: str, zh: str) -> None:
    findings = check("ref", en, zh, 3)
    assert kinds(findings) == ["number-not-in-source", "bilingual-mismatch", "bilingual-mismatch"]
    assert findings[0].detail == "628亿 appears nowhere in the article"
    assert findings[1].detail == (
        "the English states 61.8 billion; the Chinese has no equal (which states 628亿)"
    )
    assert findings[2].detail == (
        "the Chinese states 628亿; the English has no equal (which states 61.8 billion)"
    )


def test_bilingual_mismatch_when_one_side_drops_the_number() -> None:
    findings = check("ref", "Russia will invest 700 billion rubles.", "俄罗斯将大规模投资。", 3)
    assert kinds(findings) == ["bilingual-mismatch"]
    assert findings[0].detail.endswith("(which states no number)")


def test_number_words_on_one_side_are_no_mismatch() -> None:
    assert check("02", "It takes two measures.", "采取2项措施。", 4) == []
    assert check("27", "Prices rose over 3 times.", "价格涨至三倍以上。", 5) == []


def test_percent_is_not_an_amount() -> None:
    findings = check("02", "The US imposed a 34 billion tariff.", "美方加征340亿关税。", 1)
    assert kinds(findings) == ["number-not-in-source"] * 2


def test_empty_text() -> None:
    findings = check("ref", " ", "俄罗斯需要自己的产业。", 2)
    assert kinds(findings) == ["empty-text"]
    assert findings[0].detail == "the English text is blank"
    findings = check("ref", "Russia will invest 700 billion rubles.", "\n", 3)
    assert kinds(findings) == ["empty-text"]
    assert findings[0].detail == "the Chinese text is blank"


def test_empty_titles_and_document_order() -> None:
    art = article("ref")
    brief = make_brief(
        art,
        Claim(en="Russia will invest 800 billion rubles.", zh="投资7000亿卢布。", cites=[3]),
        core=Claim(en="", zh="俄罗斯需要产业链。", cites=[]),
    )
    brief.title = Bilingual(en="Title", zh="")
    brief.groups[0].title = Bilingual(en=" ", zh="事实")
    second = Group(title=Bilingual(en="", zh=""), claims=[])
    brief.groups.append(second)
    findings = check_brief(brief)
    assert [(f.where, f.kind) for f in findings] == [
        ("title", "empty-text"),
        ("core_viewpoint", "empty-text"),
        ("core_viewpoint", "cite-missing"),
        ("groups[0].title", "empty-text"),
        ("groups[0].claims[0]", "number-not-in-source"),
        ("groups[0].claims[0]", "bilingual-mismatch"),
        ("groups[0].claims[0]", "bilingual-mismatch"),
        ("groups[1].title", "empty-text"),
        ("groups[1].title", "empty-text"),
    ]
    assert all(f.severity == "error" for f in findings)
    assert check_brief(brief) == findings  # deterministic


def test_repeated_number_is_reported_once() -> None:
    findings = check("ref", "800 billion, yes, 800 billion.", "800 billion。", 3)
    # The Chinese is English, which the language check reports (once, as well).
    assert kinds(findings) == ["number-not-in-source", "wrong-language"]


def test_an_article_without_paragraphs() -> None:
    art = Article(id="0" * 12, title="空", paragraphs=[])
    brief = make_brief(art, Claim(en="Nothing.", zh="无。", cites=[1]))
    assert [f.detail for f in check_brief(brief)] == [
        "cites paragraph 1, but the article has no paragraphs"
    ] * 2


# --- A claim without numbers: its Chinese must share wording with what it cites -----------


def test_a_claim_drawn_from_another_paragraph_is_caught() -> None:
    zh = "中美贸易大战把俄罗斯打醒了，俄罗斯不得不警惕起来。"  # the words of paragraph 4
    assert check("ref", "The trade war woke Russia up.", zh, 4) == []
    findings = check("ref", "The trade war woke Russia up.", zh, 1)
    assert kinds(findings) == ["text-not-in-cited"]
    assert findings[0].detail.startswith("the Chinese shares 11% of its wording")


def test_an_invented_claim_citing_a_real_paragraph_is_caught() -> None:
    findings = check("ref", "Russia leads in chip design.", "俄罗斯在芯片设计领域世界领先。", 5)
    assert kinds(findings) == ["text-not-in-cited"]


def test_short_claims_and_claims_with_numbers_are_left_to_the_other_checks() -> None:
    assert check("ref", "Russia is worried.", "俄方担忧。", 1) == []  # too short to judge
    # Its number is in paragraph 3: the number checks judge it, not the wording.
    assert check("ref", "An investment of 700 billion rubles.", "一笔7000亿卢布的投资。", 3) == []
