"""The words and the cast of the demo assistance requests: which agencies ask and answer in
each demo zone and who works there, and the titles, descriptions, legal bases, outcomes and
messages of each request type (in Chinese; in English with a Chinese tag between the ASEAN+3
capitals). The texts are illustrations; the names, numbers and cases are invented.
"""

from __future__ import annotations

from accord.security.actor import Role

# --- who is who -----------------------------------------------------------------------------

# agency code -> (place, case-number prefix). The agencies of the demo directory that ask and
# answer; a province's own department and some of its cities and districts.
PLACES: dict[str, tuple[str, str]] = {
    "310000": ("上海", "沪公"),
    "310104": ("徐汇", "沪徐公"),
    "310115": ("浦东", "沪浦公"),
    "310117": ("松江", "沪松公"),
    "310118": ("青浦", "沪青公"),
    "320000": ("江苏", "苏公"),
    "320100": ("南京", "宁公"),
    "320200": ("无锡", "锡公"),
    "320500": ("苏州", "苏州公"),
    "320583": ("昆山", "昆公"),
    "330000": ("浙江", "浙公"),
    "330100": ("杭州", "杭公"),
    "330200": ("宁波", "甬公"),
    "330300": ("温州", "温公"),
    "330400": ("嘉兴", "嘉公"),
    "330421": ("嘉善", "善公"),
    "340000": ("安徽", "皖公"),
    "340100": ("合肥", "合公"),
    "340200": ("芜湖", "芜公"),
    "341100": ("滁州", "滁公"),
    "110000": ("北京", "京公"),
    "110105": ("朝阳", "京朝公"),
    "120000": ("天津", "津公"),
    "120116": ("滨海", "津滨公"),
    "130000": ("河北", "冀公"),
    "130100": ("石家庄", "石公"),
    "140000": ("山西", "晋公"),
    "150000": ("内蒙古", "蒙公"),
    "210000": ("辽宁", "辽公"),
    "210100": ("沈阳", "沈公"),
    "370000": ("山东", "鲁公"),
    "370100": ("济南", "济公"),
    "610000": ("陕西", "陕公"),
    "610100": ("西安", "西公"),
    "620000": ("甘肃", "甘公"),
    "620100": ("兰州", "兰公"),
    "630000": ("青海", "青公"),
    "640000": ("宁夏", "宁夏公"),
    "640100": ("银川", "银公"),
    "650000": ("新疆", "新公"),
    "650100": ("乌鲁木齐", "乌公"),
    "XPCC": ("兵团", "兵公"),
    "VN-HAN": ("Hanoi", "HN"),
    "TH-BKK": ("Bangkok", "BKK"),
    "KH-PNH": ("Phnom Penh", "PNH"),
    "LA-VTE": ("Vientiane", "VTE"),
    "MM-NPT": ("Nay Pyi Taw", "NPT"),
    "MY-KUL": ("Kuala Lumpur", "KUL"),
    "SG-SIN": ("Singapore", "SPF"),
    "ID-JKT": ("Jakarta", "JKT"),
    "PH-MNL": ("Manila", "NCRPO"),
    "BN-BWN": ("Bandar Seri Begawan", "RBPF"),
    "JP-TYO": ("Tokyo", "MPD"),
    "KR-SEL": ("Seoul", "SMPA"),
}

# zone -> member trees: the member and the agencies below it that take part in the demo.
ZONE_TREES: dict[str, dict[str, tuple[str, ...]]] = {
    "YRD": {
        "310000": ("310000", "310115", "310104", "310117", "310118"),
        "320000": ("320000", "320100", "320500", "320583", "320200"),
        "330000": ("330000", "330100", "330200", "330400", "330421", "330300"),
        "340000": ("340000", "340100", "340200", "341100"),
    },
    "JJJ": {
        "110000": ("110000", "110105"),
        "120000": ("120000", "120116"),
        "130000": ("130000", "130100"),
        "140000": ("140000",),
        "210000": ("210000", "210100"),
        "370000": ("370000", "370100"),
    },
    "NW": {
        "610000": ("610000", "610100"),
        "620000": ("620000", "620100"),
        "630000": ("630000",),
        "640000": ("640000", "640100"),
        "650000": ("650000", "650100"),
        "XPCC": ("XPCC",),
    },
    "ASEAN3": {
        code: (code,)
        for code in (
            "VN-HAN", "TH-BKK", "KH-PNH", "LA-VTE", "MM-NPT", "MY-KUL",
            "SG-SIN", "ID-JKT", "PH-MNL", "BN-BWN", "JP-TYO", "KR-SEL",
        )
    },
}  # fmt: skip

# Where the demo users sit: they send, route and work a good share of the YRD's requests, so
# their inboxes are full. (agency, part) -> demo username; other agencies' staff are named
# after their agency (`jsnj.liaison`) and have no account.
DEMO_STAFF: dict[tuple[str, str], str] = {
    ("310000", "request"): "sh.officer",
    ("310000", "route"): "sh.liaison",
    ("310000", "work"): "sh.officer",
    ("310115", "request"): "sh.investigator",
    ("310115", "work"): "sh.investigator",
    ("320000", "request"): "js.officer",
    ("320000", "route"): "js.liaison",
    ("320000", "work"): "js.officer",
    ("330000", "request"): "zj.liaison",
    ("330000", "route"): "zj.liaison",
    ("330000", "work"): "zj.commander",
    ("330100", "request"): "hz.officer",
    ("330100", "work"): "hz.officer",
    ("340000", "request"): "ah.liaison",
    ("340000", "route"): "ah.liaison",
    ("VN-HAN", "request"): "han.liaison",
    ("VN-HAN", "route"): "han.liaison",
    ("VN-HAN", "work"): "han.liaison",
}
PART_ROLES = {"request": Role.INVESTIGATOR, "route": Role.LIAISON, "work": Role.OFFICER}
PART_WORDS = {"request": "investigator", "route": "liaison", "work": "officer"}
# Addressees the demo users answer for, asked more often than the others.
BUSY = ("310000", "310115", "320000", "330000", "330100", "340000")

# --- words ----------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国志红春梅海波宇浩然俊峰晓东文斌凯亮"  # noqa: E501
# Birthplace region codes for resident ID numbers (home towns of the people in the cases).
REGIONS = (
    "310115", "320583", "330106", "340104", "110105", "120116", "130102", "610113",
    "620102", "650102", "410105", "510107", "430103", "350203", "360102", "450103",
)  # fmt: skip
PLATE_CHARS = {
    "310": "沪", "320": "苏", "330": "浙", "340": "皖", "110": "京", "120": "津", "130": "冀",
    "140": "晋", "150": "蒙", "210": "辽", "370": "鲁", "610": "陕", "620": "甘", "630": "青",
    "640": "宁", "650": "新", "XPC": "新",
}  # fmt: skip
BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "招商银行", "中国银行", "交通银行")
CARD_BINS = ("622202", "622848", "621700", "621483", "621661", "622262")
CRIMES = (
    "电信网络诈骗", "盗窃", "故意伤害", "非法吸收公众存款", "贩卖毒品", "走私普通货物",
    "拐卖儿童", "开设赌场", "合同诈骗", "交通肇事逃逸", "抢劫", "帮助信息网络犯罪活动",
)  # fmt: skip
SPOTS = (
    "火车站",
    "长途汽车站",
    "城中村出租屋",
    "物流园",
    "高速收费站",
    "快捷酒店",
    "网吧",
    "工业园区",
)
FOREIGN_PEOPLE = {
    "VN-HAN": ("Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Minh", "Phạm Đức Anh"),
    "TH-BKK": ("Somchai Prasert", "Anan Chaiyaporn", "Kittisak Wongsa"),
    "KH-PNH": ("Sok Dara", "Chea Vuthy", "Heng Sopheak"),
    "LA-VTE": ("Bounmy Phommachanh", "Khamla Sisavath"),
    "MM-NPT": ("Aung Ko Ko", "Zaw Min Htet"),
    "MY-KUL": ("Ahmad bin Ismail", "Tan Wei Ming", "Muthu Raj"),
    "SG-SIN": ("Lim Jun Hao", "Goh Mei Ling"),
    "ID-JKT": ("Budi Santoso", "Dewi Lestari", "Agus Salim"),
    "PH-MNL": ("Juan Dela Cruz", "Maria Santos", "Ramon Reyes"),
    "BN-BWN": ("Awang Hj Hamid",),
    "JP-TYO": ("Sato Kenji", "Suzuki Haruto", "Takahashi Yui"),
    "KR-SEL": ("Park Ji-hoon", "Kim Soo-jin", "Lee Dong-hyun"),
}

# request type -> (title templates, description templates). {name} {place} {crime} {plate}
# {account} {bank} {phone} {spot} are filled in.
TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "arrest_transfer": (
        ("协助抓捕网上逃犯{name}并押解移交", "协助抓获{crime}案在逃人员{name}"),
        (
            "{name}涉嫌{crime}，已上网追逃。据查其近期在{place}活动，常出入{spot}。"
            "请协助抓捕并临时羁押，我局民警接报后24小时内赶赴押解。",
            "{crime}案犯罪嫌疑人{name}已被刑事拘留在逃，技术研判显示其使用手机{phone}在{place}"
            "频繁活动。请协助抓捕，抓获后通知我局办理交接。",
        ),
    ),
    "locate": (
        ("查找{crime}案嫌疑人{name}下落", "协查{name}在{place}的落脚点"),
        (
            "{name}涉嫌{crime}，案发后离开户籍地，疑似投靠在{place}务工的亲属。"
            "请协助查找其落脚点，暂不惊动，查明后反馈。",
            "请协查{name}（手机{phone}）近期在{place}的住宿、出行及落脚情况。",
        ),
    ),
    "verify_identity": (
        ("核实{name}身份信息", "核查{crime}案涉案人员{name}真实身份"),
        (
            "我局在办理{crime}案中查获一名自称{name}的人员，所持身份证件疑似冒用。"
            "请协助核实其户籍信息、近期照片及家庭成员情况。",
            "请协助核实{name}的户籍、婚姻及前科情况，并提供户籍照片比对。",
        ),
    ),
    "records_check": (
        ("调取{name}住宿、出行记录", "核查车辆{plate}在{place}的通行记录"),
        (
            "因侦办{crime}案需要，请协助调取{name}自今年以来在{place}的旅馆住宿、"
            "铁路及民航出行记录。",
            "{crime}案涉案车辆{plate}案发前后多次往返{place}，请协助调取卡口通行记录及停车记录。",
        ),
    ),
    "collect_evidence": (
        ("协助调取{place}{spot}周边监控视频", "协助提取{crime}案书证物证"),
        (
            "{crime}案嫌疑人案发后途经{place}{spot}，请协助调取案发当日周边公共视频，"
            "并出具调取证据清单。",
            "请协助向{place}相关单位调取{crime}案涉案合同、快递面单等书证，依法固定。",
        ),
    ),
    "interview_witness": (
        ("协助询问证人{name}", "协助询问{crime}案被害人{name}"),
        (
            "{name}系{crime}案重要证人，现在{place}居住。请协助安排询问并制作询问笔录，"
            "询问提纲见附件。",
            "{crime}案被害人{name}已返回{place}，请协助就被骗经过及转账情况制作询问笔录。",
        ),
    ),
    "freeze_account": (
        ("紧急止付冻结涉诈账户{account}", "协助冻结{crime}案涉案账户"),
        (
            "被害人被骗资金经{bank}账户{account}转出，账户开户地在{place}。"
            "请协助紧急止付并依法冻结，冻结通知书见附件。",
            "{crime}案赃款流入{name}名下{bank}账户{account}，请协助冻结并反馈账户余额。",
        ),
    ),
    "query_account": (
        ("查询涉案账户{account}交易流水", "查询{name}名下银行账户及交易明细"),
        (
            "请协助向{bank}{place}分行查询账户{account}自开户以来的交易流水及开户资料。",
            "{crime}案需查明{name}资金往来，请协助查询其在{place}开立的银行账户及交易明细。",
        ),
    ),
    "joint_patrol": (
        ("{place}交界地区联合巡逻", "节假日省际交界道路联勤巡逻"),
        (
            "根据区域警务合作安排，请派出警力在交界道路及{spot}开展联合巡逻，"
            "重点查控在逃人员和涉案车辆。",
            "节假日期间交界地区客流车流集中，请协调交警、治安力量开展联勤巡逻，互通查控信息。",
        ),
    ),
}
FOREIGN_TEXTS: dict[str, tuple[str, str]] = {
    "arrest_transfer": (
        "抓捕移交 · Arrest and hand over {name}",
        "{name} is wanted by our force for {crime_en}; a warrant is attached. Reliable "
        "information places him in {place}. Please arrest and hold him pending surrender.",
    ),
    "locate": (
        "查找下落 · Locate {name}",
        "{name}, a suspect in a {crime_en} case, left our jurisdiction last month and is "
        "believed to be in {place}. Please locate him discreetly and inform us.",
    ),
    "verify_identity": (
        "身份核实 · Verify the identity of {name}",
        "A person detained here holds a passport in the name of {name}. Please confirm the "
        "identity against your records and send a photograph.",
    ),
    "records_check": (
        "记录核查 · Entry and exit records of {name}",
        "Please check the entry, exit and hotel records of {name} in {place} since January.",
    ),
    "collect_evidence": (
        "调取证据 · Evidence from {place}",
        "Please obtain and preserve the CCTV footage and call records listed in the "
        "attachment for our {crime_en} investigation.",
    ),
    "interview_witness": (
        "询问证人 · Interview the witness {name}",
        "{name}, a witness in our {crime_en} case, now lives in {place}. Please take a "
        "statement on the questions attached.",
    ),
    "freeze_account": (
        "冻结账户 · Freeze account {account}",
        "Proceeds of a {crime_en} were moved to account {account} held in {place}. Please "
        "freeze it and report the balance.",
    ),
    "query_account": (
        "查询账户 · Transactions of account {account}",
        "Please obtain the statements of account {account} for the last twelve months.",
    ),
    "joint_patrol": (
        "联合行动 · Joint operation in {place}",
        "Joint operation against call-centre fraud compounds; please assign officers.",
    ),
}
CRIMES_EN = ("call-centre fraud", "drug trafficking", "human trafficking", "money laundering",
             "online gambling", "theft")  # fmt: skip

LEGAL = {
    "arrest_transfer": "《刑事诉讼法》第八十三条；{prefix}（刑）拘字〔{year}〕{n}号拘留证",
    "freeze_account": "《刑事诉讼法》第一百四十四条；{prefix}（刑）冻通字〔{year}〕{n}号",
    "query_account": "《刑事诉讼法》第一百四十四条；{prefix}（刑）查通字〔{year}〕{n}号",
    "collect_evidence": "《刑事诉讼法》第五十四条；{prefix}（刑）调证字〔{year}〕{n}号",
    "joint_patrol": "区域警务合作协议",
}
LEGAL_DEFAULT = "《公安机关办理刑事案件程序规定》办案协作；立案决定书{case}"
LEGAL_FOREIGN = "MoU on Cooperation among ASEAN Plus Three Capital Police, Article 2"

OUTCOMES: dict[str, dict[str, tuple[str, ...]]] = {
    "arrest_transfer": {
        "achieved": (
            "已于{day}在{place}{spot}将{name}抓获，次日移交贵局押解民警，交接手续已办结。",
            "{name}已被我局抓获并临时羁押，已与贵局民警完成交接。",
        ),
        "partly": ("已查明{name}落脚点，但其已于抓捕前一日离开{place}，去向线索已附后。",),
        "not_achieved": ("经连续三日蹲守及技术查控，未发现{name}在{place}活动。",),
    },
    "locate": {
        "achieved": ("已查明{name}现居{place}{spot}附近出租屋，已布控，未惊动。",),
        "partly": ("{name}曾在{place}住宿三晚，已离开，最后出现于{spot}，视频截图已上传。",),
        "not_achieved": ("经查询住宿、出行及通讯信息，{name}近期未在{place}活动。",),
    },
    "verify_identity": {
        "achieved": ("经核实，该人员系{name}本人，户籍信息及照片已随件反馈。",),
        "partly": ("户籍信息已核实，其近照与证件照差异较大，建议进一步比对指纹。",),
        "not_achieved": ("{place}户籍系统中无此人信息，请核对身份证号码。",),
    },
    "records_check": {
        "achieved": (
            "已调取住宿、出行记录共42条，明细见附件。",
            "已调取卡口通行记录17条，见附件。",
        ),
        "partly": ("已调取铁路出行记录，民航记录需另行协调，待补充。",),
        "not_achieved": ("经查询，未发现相关记录。",),
    },
    "collect_evidence": {
        "achieved": ("已调取监控视频并刻录光盘，调取证据清单一并寄出。",),
        "partly": ("部分点位视频已被覆盖，已调取可用部分。",),
        "not_achieved": ("相关视频已超过保存期限被覆盖，无法调取。",),
    },
    "interview_witness": {
        "achieved": ("已于{day}完成询问，询问笔录扫描件已上传。",),
        "partly": ("证人仅同意就部分问题作证，笔录已上传。",),
        "not_achieved": ("证人已出国务工，无法询问。",),
    },
    "freeze_account": {
        "achieved": ("已于{day}完成止付并依法冻结，冻结金额以银行回执为准，回执已上传。",),
        "partly": ("账户已冻结，但大部分资金在止付前已被转出，余额见回执。",),
        "not_achieved": ("该账户已于案发前注销，无法冻结。",),
    },
    "query_account": {
        "achieved": ("交易流水及开户资料已调取，共计1,283笔，电子数据已上传。",),
        "partly": ("已取得开户资料，交易流水待银行总行反馈。",),
        "not_achieved": ("经查询，该人员在{place}无开户记录。",),
    },
    "joint_patrol": {
        "achieved": ("联合巡逻按计划完成，共出动警力86人次，盘查车辆214辆，抓获在逃人员2名。",),
        "partly": ("因天气原因缩短巡逻时段，完成计划的七成。",),
        "not_achieved": ("因突发警情警力抽调，未能按计划开展。",),
    },
}
OUTCOMES_EN = {
    "achieved": "Done: {name} was found in {place}; details and documents attached.",
    "partly": "Partly done: records found for part of the period; the rest is attached as leads.",
    "not_achieved": "No trace of {name} in {place} in our records.",
}
REJECTIONS = (
    "法律手续不全，请补充立案决定书后重新发起。",
    "经核实，该人员户籍及居住地均不在我辖区，请向实际居住地公安机关发起。",
    "请求事项超出区域协作协议约定范围，请通过部级渠道办理。",
    "所附拘留证已过期，请补充有效法律文书。",
)
CANCELS = (
    "嫌疑人已在本地落网，撤回协查请求。",
    "已通过其他渠道核实，撤回请求。",
    "请求信息填写有误，撤回后重新发起。",
    "案件已移送审查起诉，无需继续协查。",
)
HOLDS = (
    "等待请求方补充法律文书。",
    "嫌疑人暂时离开辖区，待其返回后继续。",
    "等待银行反馈查询结果。",
    "等待技术部门调取视频。",
)
# (from the receiving side, the requesting side's answer)
EXCHANGES = (
    ("请补充嫌疑人近期照片及体貌特征。", "照片及体貌特征已上传附件，请查收。"),
    ("已收到，正在安排警力核查，预计两日内反馈。", "感谢配合，有进展请及时告知。"),
    ("请提供立案决定书扫描件。", "立案决定书已上传。"),
    ("嫌疑人疑似已离开本市，是否继续查找？", "请继续查找，并关注其亲属住处。"),
    ("查询需银行总行配合，时间可能较长。", "理解，请先反馈已掌握的情况。"),
)
EXCHANGES_EN = (
    ("Received; we are checking our records.", "Thank you. Please keep us informed."),
    ("Please send a copy of the warrant.", "The warrant is attached."),
)
