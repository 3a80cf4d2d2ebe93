"""练习 2 —— 填充一个批次，并构造 attention_mask（第 03 课）。

检查你的答案：   minimt exercises check 2      （加上 --hint 可以看提示）
"""
import torch


def pad_batch(sequences, *, pad_id, max_length=None):
    """把长短不一的 ID 列表在右侧填充（padding）成一个 (B, S) 张量。

    ``sequences`` 是 B 个整数列表（每个都已经以 EOS 结尾）。返回 ``(input_ids, attention_mask)``，
    两个形状为 (B, S) 的 torch.long 张量，S 是最长序列的长度；给了 ``max_length`` 时 S 就是
    ``max_length``：

        input_ids[b]       = sequences[b]，后面补 pad_id 直到长度 S
        attention_mask[b]  = 每个真实词元（包括 EOS）为 1，每个填充位置为 0

    示例，用课程里的分词器（Tokenizer.default()，第 02–03 课）：
    encode("How are you?") = [306, 90, 145, 3944]，encode("Hi.") = [3618, 3938]，各自再加上 EOS（3）：

        pad_batch([[306, 90, 145, 3944, 3], [3618, 3938, 3]], pad_id=0)
        input_ids      = [[ 306,   90, 145, 3944, 3],
                          [3618, 3938,   3,    0, 0]]
        attention_mask = [[1, 1, 1, 1, 1],
                          [1, 1, 1, 0, 0]]

    填充放在右边。不要改动传给你的列表。
    """
    raise NotImplementedError
