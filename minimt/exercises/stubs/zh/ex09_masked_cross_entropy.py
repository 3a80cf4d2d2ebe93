"""练习 9 —— 带 ignore_index 的损失，写成掩码平均（第 06 课）。

检查你的答案：   minimt exercises check 9      （加上 --hint 可以看提示）
"""
import torch


def masked_cross_entropy(logits, labels):
    """在标签不是 -100 的位置上求交叉熵（cross-entropy）的平均 —— 亲手实现。

    logits (B, T, V) 浮点数：解码器每个位置上、词表中每一项的分数（未归一化的分数）；
    labels (B, T) long：正确的词元，该行是填充的地方为 -100。返回一个标量张量
    （0 维，带计算图，这样 ``loss.backward()`` 才能运行）：

        loss = 所有真实位置上  -log softmax(logits[b, t])[labels[b, t]]  之和
               ------------------------------------------------------------------
                                 真实位置的个数

    不要调用 F.cross_entropy / F.nll_loss：写出 ``ignore_index=-100`` 所做的事。
    如果没有一个真实标签，返回 0（不是 NaN）。被忽略的位置的梯度必须为 0。

    示例：B=1，T=2，V=2，logits = [[[0, 0], [5, 1]]]，labels = [[1, -100]]。
    位置 0：softmax = [0.5, 0.5]，-log 0.5 = 0.6931。位置 1 被忽略。损失 = 0.6931。
    """
    raise NotImplementedError
