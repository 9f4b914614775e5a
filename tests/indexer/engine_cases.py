"""The small known case the engine tests share: seven achievements and a real-looking need."""
from indexer import Document

ACHIEVEMENTS = [
    Document("cathode", {"title": "高镍三元锂离子电池正极材料的包覆改性与产业化",
                         "body": "采用氧化铝包覆高镍三元正极材料，抑制循环过程中的相变和产气，"
                                 "容量保持率500次循环后达到92%，已完成中试。",
                         "keywords": "锂离子电池,正极材料,高镍三元,包覆"},
             {"field": ["04", "0401"], "region": "四川", "trl": 6, "coop": ["transfer", "license"], "budget": 80.0}),
    Document("recycling", {"title": "废旧锂电池回收中有价金属的湿法浸出",
                           "body": "以硫酸-双氧水体系浸出废旧电池中的钴镍锰，浸出率超过95%。",
                           "keywords": "锂电池回收 湿法冶金"},
             {"field": ["06"], "region": "江西", "trl": 5, "coop": ["development"], "budget": 30.0}),
    Document("bms", {"title": "电动汽车锂电池管理系统的荷电状态估计",
                     "body": "提出基于扩展卡尔曼滤波的电池荷电状态估计算法，估计误差小于2%。",
                     "keywords": "电池管理系统,SOC估计"},
             {"field": ["01"], "region": "四川", "trl": 7, "coop": ["license"], "budget": 20.0}),
    Document("leadacid", {"title": "铅酸蓄电池正极板栅合金的耐腐蚀性能",
                          "body": "研究了铅钙锡合金正极板栅在硫酸中的腐蚀行为。", "keywords": "铅酸电池 板栅"},
             {"field": ["04"], "region": "河南", "trl": 4, "budget": 10.0}),
    Document("wheat", {"title": "抗旱高产小麦新品种选育",
                       "body": "通过杂交和分子标记辅助选择，育成抗旱高产小麦品种，亩产提高12%。",
                       "keywords": "小麦 育种 抗旱"}, {"field": ["07"], "region": "河南", "trl": 8}),
    Document("vision", {"title": "基于深度学习的工业机器人视觉定位",
                        "body": "利用卷积神经网络识别传送带上的工件并引导机械臂抓取，定位精度0.1毫米。",
                        "keywords": "机器视觉 工业机器人"},
             {"field": ["01", "0102"], "region": "重庆", "trl": 6, "coop": ["development"]}),
    Document("wastewater", {"title": "印染废水的臭氧催化氧化深度处理",
                            "body": "以负载锰氧化物的陶粒为催化剂，COD去除率达到80%。", "keywords": "印染废水 催化臭氧化"},
             {"field": ["06"], "region": "浙江", "trl": 5}),
]

CATHODE_NEED = ("高镍正极材料循环寿命提升\n需求内容：\n    我公司生产锂离子电池正极材料，高镍三元产品在循环过程中容量衰减快、"
                "产气严重，需要表面包覆改性技术，提高循环稳定性。\n现有工作基础：\n    1、公司成立于2010年，现有员工300人，"
                "2018年度实现销售收入2亿元，利润总额3000万元。\n    2、公司有标准化厂房3栋，产业化基础良好。")
