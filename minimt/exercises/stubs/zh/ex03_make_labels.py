"""练习 3 —— 用 -100 填充的标签（第 03 课）。

检查你的答案：   minimt exercises check 3      （加上 --hint 可以看提示）
"""
import torch


def make_labels(targets, *, eos_id, max_length=None):
    """构造 (B, T) 的标签（labels）张量：解码器在每个位置上必须预测的词元。

    ``targets`` 是 B 个目标句 ID 列表，不含特殊词元。结果的第 b 行是
    ``targets[b] + [eos_id]``，后面补 -100 直到长度 T（最长一行 + EOS，给了 ``max_length``
    时就是 ``max_length``）。数据类型 torch.long。

    示例（文章把标签填充到 6），用课程里的分词器（Tokenizer.default()，第 02–03 课）：
    encode("Comment ça va ?") = [2371, 2731, 248, 26]，encode("Salut.") = [3238, 3938]：

        make_labels([[2371, 2731, 248, 26], [3238, 3938]], eos_id=3, max_length=6)
        = [[2371, 2731, 248,   26,    3, -100],
           [3238, 3938,   3, -100, -100, -100]]

    为什么用 -100 而不用填充词元的 ID？F.cross_entropy(..., ignore_index=-100) 会跳过这些位置：
    填充不计入损失（loss），也永远不会被当成一个要预测的词学进去。
    """
    raise NotImplementedError
