"""练习 15 —— 改错：给 PyTorch 的 nn.Transformer 的掩码（第 04 课）。

检查你的答案：   minimt exercises check 15      （加上 --hint 可以看提示）
"""
import torch


def torch_masks(attention_mask, decoder_attention_mask):
    """把 Hugging Face 风格的 1/0 掩码变成 ``nn.Transformer.forward`` 的关键字参数。

    attention_mask (B, S) 和 decoder_attention_mask (B, T)：1 = 真实词元，0 = 填充。
    返回一个字典，包含 src_key_padding_mask (B, S)、tgt_mask (T, T)、tgt_key_padding_mask
    (B, T) 和 memory_key_padding_mask (B, S)，用法是 ``model(src, tgt, **torch_masks(...))``。

    这是一个学生为课程项目写的。模型能训练，损失也在下降，但同一个句子放进批次里翻译，
    译文就会变，有时还会是 NaN。这个函数有两个错误。找出来并修好；对的地方不要重写。
    ``minimt exercises check 15`` 会用你的掩码，在一个小的 nn.Transformer 上运行
    padding-invariance（填充不变性）和 causality（因果性）两个证明。
    """
    T = decoder_attention_mask.size(1)
    return {
        "src_key_padding_mask": attention_mask.bool(),                  # (B, S)
        "tgt_mask": torch.ones(T, T, dtype=torch.bool).triu(diagonal=1),  # (T, T)
        "tgt_key_padding_mask": decoder_attention_mask.bool(),          # (B, T)
    }
