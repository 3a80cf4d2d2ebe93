"""练习 17 —— 改错：学会了填充的损失（第 06 课）。

检查你的答案：   minimt exercises check 17      （加上 --hint 可以看提示）
"""
import torch


def make_targets(targets, *, bos_id, eos_id, pad_id):
    """目标 ID 列表（不含特殊词元）→ (labels, decoder_input_ids)，都是 (B, T) 的 torch.long。

    labels = 目标 + [EOS]，再填充；decoder_input_ids = [BOS] + labels[:-1]，用 pad_id 填充。

    用这样的目标，训练“能跑”：损失下降得很快。但同样的句子，放在填充更多的批次里，
    损失反而比放在紧凑的批次里更低，训练出来的模型还乐于预测填充。填充那里出了问题。
    找出来并修好（可能要改两个地方）。``minimt exercises check 17`` 会用你的函数运行损失的证明。
    """
    rows = [list(t) + [eos_id] for t in targets]
    T = max(len(r) for r in rows)
    labels = torch.full((len(rows), T), pad_id, dtype=torch.long)    # (B, T)
    for b, row in enumerate(rows):
        labels[b, : len(row)] = torch.tensor(row)
    decoder_input_ids = torch.full_like(labels, pad_id)               # (B, T)
    decoder_input_ids[:, 0] = bos_id
    decoder_input_ids[:, 1:] = labels[:, :-1]                         # 右移一位
    return labels, decoder_input_ids
