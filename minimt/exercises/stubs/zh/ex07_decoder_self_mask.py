"""练习 7 —— 解码器的自注意力掩码：因果 且 填充（第 04 课）。

检查你的答案：   minimt exercises check 7      （加上 --hint 可以看提示）
"""
import torch


def decoder_self_mask(decoder_attention_mask):
    """由 1/0 组成的 (B, T) decoder_attention_mask → (B, 1, T, T) 的布尔掩码，True = 可以关注。

    句子 b 的查询 t 可以关注键 s，当且仅当 s <= t（因果）并且 句子 b 的键 s 是真实词元（填充）。
    一个掩码，只用一次。

    示例：

        decoder_attention_mask = [[1, 1, 1],
                                  [1, 1, 0]]
        decoder_self_mask(...)[1, 0] == [[True, False, False],
                                         [True, True,  False],
                                         [True, True,  False]]   # 句子 1 的键 2 是填充
        decoder_self_mask(...)[0, 0] 就是普通的因果三角。

    不要改动 ``decoder_attention_mask``。
    """
    raise NotImplementedError
