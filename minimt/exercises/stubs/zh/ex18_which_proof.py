"""练习 18 —— 破坏它：哪个证明抓住哪个错误？（第 03–07 课）

minimt 用四个测试（“证明”）来证明它的掩码和标签是对的。在这里，它们运行在一个很小的
编码器–解码器上，你可以用开关一次破坏其中一个部件：

    证明:      padding_invariance    一个句子的 logits 单独计算和填充后放进批次里计算，结果相同
               causality             改动位置 >= t 的解码器输入，位置 < t 的 logits 不变
               no_label_leak         改动第 t 个目标词元，预测它的那些 logits 不变
               loss_ignores_padding  在填充位置的 logits 里加噪声，损失不变

    开关:      flip_padding_polarity 填充掩码在填充处为 True（nn.MultiheadAttention 的习惯）
               drop_causal_mask      解码器的自注意力只拿到填充掩码
               forget_shift          decoder_input_ids = labels，而不是 [BOS] + labels[:-1]
               pad_in_labels         标签用 pad_id 填充，而不是 -100

1. 对每个开关，先预测哪些证明会失败，写在下面（一个由证明名组成的集合；
   如果你觉得一个都不会失败，就写 set()）。一个开关可能破坏好几个证明。
2. 然后运行它们：     minimt exercises prove --break flip_padding_polarity    （其他开关依此类推）
3. 检查：             minimt exercises check 18
有没有让你意外的？为什么是这个证明 —— 而不是别的 —— 抓住了那个错误？
"""

PREDICTIONS = {
    "flip_padding_polarity": None,  # 例如 {"padding_invariance"}
    "drop_causal_mask": None,
    "forget_shift": None,
    "pad_in_labels": None,
}
