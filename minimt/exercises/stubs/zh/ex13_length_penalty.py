"""练习 13 —— GNMT 长度惩罚：选出最好的已结束候选（第 08 课）。

检查你的答案：   minimt exercises check 13      （加上 --hint 可以看提示）
"""


def best_hypothesis(hypotheses, *, alpha):
    """返回按 GNMT 长度惩罚（length penalty）最好的候选的 ``(tokens, score)``。

    ``hypotheses`` 是由 ``(tokens, log_prob)`` 组成的列表：生成的 ID（含 EOS），以及它们的
    对数概率之和（一个负数：每多一个词元它就更小，所以只看原始对数概率，总是偏爱短的译文）。
    Google 的神经机器翻译系统（GNMT）除以

        lp(n) = ((5 + n) / 6) ** alpha        n = len(tokens)，含 EOS
        score = log_prob / lp(n)

    然后选分数最高的。alpha = 0 表示没有惩罚；alpha 越大，越偏向更长的输出。
    分数相同时保留第一个候选。

    示例：hypotheses = [([7, 3], -2.0), ([7, 8, 9, 4, 3], -2.6)]
        alpha = 0:  分数为 -2.0 和 -2.6                       → ([7, 3], -2.0)
        alpha = 1:  -2.0 / (7/6) = -1.714,  -2.6 / (10/6) = -1.56  → ([7, 8, 9, 4, 3], -1.56)
    """
    raise NotImplementedError
