"""练习 16 —— 改错：偷看答案的解码器（第 04 课）。

检查你的答案：   minimt exercises check 16      （加上 --hint 可以看提示）
"""
import torch


def decoder_self_mask(decoder_attention_mask):
    """(B, T) 的 1/0 → (B, 1, T, T) 的布尔掩码，True = 可以关注：因果掩码与填充掩码同时成立。

    用这个掩码，训练看起来好极了：不管什么数据，几百步之内损失就降到几乎为 0。
    然后每一句译文都是乱码。这里有一个错误。找出来并修好。
    ``minimt exercises check 16`` 会在一个用你的掩码的小型编码器–解码器上运行
    causality（因果性）和 label-leak（标签泄露）两个证明，并打印它们看到了什么。
    """
    B, T = decoder_attention_mask.shape
    keys_real = decoder_attention_mask.bool()[:, None, None, :]      # (B, 1, 1, T) True = 真实的键
    # 行 = 查询，列 = 键：查询可以关注不在它未来的那些键
    causal = torch.ones(T, T, dtype=torch.bool).tril(diagonal=1)     # (T, T)
    return causal[None, None] & keys_real                            # (B, 1, T, T)
