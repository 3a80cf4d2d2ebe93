"""练习 5 —— 填充掩码（第 04 课）。

检查你的答案：   minimt exercises check 5      （加上 --hint 可以看提示）
"""
import torch


def padding_mask(attention_mask):
    """由 1/0 组成的 (B, S) attention_mask → (B, 1, 1, S) 的布尔掩码，True = 可以关注。

    注意力分数的形状是 (B, H, T, S)：批次、注意力头、查询、键。填充必须作为键（一列）被遮住：
    任何查询都不能去看填充位置。掩码里的两个 1 会在注意力头和查询这两个轴上广播。

    示例：

        attention_mask = [[1, 1, 1, 1, 1],
                          [1, 1, 0, 0, 0]]
        padding_mask(attention_mask).shape == (2, 1, 1, 5)
        padding_mask(attention_mask)[:, 0, 0, :] == [[True, True, True,  True,  True],
                                                     [True, True, False, False, False]]

    不要改动 ``attention_mask``。（nn.MultiheadAttention 的 key_padding_mask 含义恰好相反，
    True = 忽略：minimt 的掩码永远是 True = 可以关注。）
    """
    raise NotImplementedError
