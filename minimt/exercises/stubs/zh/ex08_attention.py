"""练习 8 —— 带布尔掩码的缩放点积注意力（第 04 课）。

检查你的答案：   minimt exercises check 8      （加上 --hint 可以看提示）
"""
import math

import torch


def attention(q, k, v, mask=None):
    """缩放点积注意力（attention）。返回 ``(out, weights)``。

    q (B, H, T, D) 是查询（query）；k 和 v (B, H, S, D) 是键（key）和值（value）；``mask`` 为 None，
    或一个能广播到 (B, H, T, S) 的布尔张量，True = 可以关注（例如填充掩码 (B,1,1,S)、
    因果掩码 (1,1,T,T) 或解码器掩码 (B,1,T,T)）。

        scores  = q @ kᵀ / sqrt(D)                  (B, H, T, S)
        weights = 在键这一维（最后一维）上对 scores 做 softmax，掩码为 False 处为 0
        out     = weights @ v                       (B, H, T, D)

    规则：每个被遮住的键的权重恰好为 0；每个查询在它允许的键上的权重之和为 1；
    一个没有任何允许的键的查询（它整个句子都是填充）得到全 0 的权重和全 0 的输出 ——
    无论前向计算还是梯度里，都不能出现 NaN。

    示例：一个查询、一个键（D = 2），q = k = [[1, 0]]，v = [[1, 2]]：
    score = 1/sqrt(2)，weight = 1.0，out = [[1, 2]]。若 mask = [[False]]：weight 为 0，out 为 [[0, 0]]。
    """
    raise NotImplementedError
