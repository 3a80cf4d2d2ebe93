"""练习 19 —— 手写语料级 BLEU：截断的 n 元语法精确率、简短惩罚（第 09 课）。

检查你的答案：   minimt exercises check 19      （加上 --hint 可以看提示）
"""
import math
from collections import Counter


def corpus_bleu(hypotheses, references):
    """整个测试集的 BLEU，范围 0..100 —— 就是 sacreBLEU 打印的那个数。

    ``hypotheses[i]`` 是模型对第 i 句的翻译，``references[i]`` 是它唯一的参考译文；两者都是
    已经规范化的文本，“词”就是 ``text.split()`` 给出的东西（不再做别的分词）。对 n = 1, 2, 3, 4：

        p_n = 各句截断后的匹配数之和 / 各句候选译文的 n 元语法个数之和

    其中候选译文里的一个 n 元语法，最多只能按它在该句参考译文中出现的次数算匹配
    （"il il il" 对 "il fait beau" 只得一个 "il"，而不是三个）。
    先在整个语料上把计数加起来；然后才做除法。

        c = 候选译文的总词数，r = 参考译文的总词数
        BP = 1 if c >= r else exp(1 - r / c)       （c == 0 时为 0）
        BLEU = 100 * BP * exp((log p_1 + log p_2 + log p_3 + log p_4) / 4)

    如果某个 p_n 为 0（比如整个语料没有一个 4 元语法匹配），几何平均就是 0：
    返回 0.0。（这就是 smooth_method="none" 的 sacreBLEU；它默认的 "exp" 平滑，
    也就是 minimt 报告的 BLEU 所用的，会把这样的 0 换成一个很小的数。）

    示例：
        corpus_bleu(["le chat dort sur le tapis", "il il fait beau"],
                    ["le chat dort sur le tapis rouge", "il fait très beau"])  ≈ 68.97
    1 元语法：6 个中 6 个；然后 "il il fait beau" 里有 2 个 "il"，参考译文只有 1 个：1+1+1 = 3，
    共 4 个 → p_1 = 9/10。p_2 = (5+1)/(5+3) = 6/8，p_3 = (4+0)/(4+2) = 4/6，p_4 = (3+0)/(3+1) = 3/4。
    c = 10 < r = 11 → BP = exp(1 - 11/10) = 0.905。BLEU = 100 × 0.905 × (0.9·0.75·0.667·0.75)^¼。
    """
    raise NotImplementedError
