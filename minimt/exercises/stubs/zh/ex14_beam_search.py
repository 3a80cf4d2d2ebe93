"""练习 14 —— 带长度惩罚的束搜索，一次翻译一个句子（第 08 课）。

检查你的答案：   minimt exercises check 14      （加上 --hint 可以看提示）
"""
import torch


def length_penalty(n, alpha):
    return ((5 + n) / 6) ** alpha  # 练习 13：n 数的是生成的词元，含 EOS


def beam_search(model, input_ids, attention_mask, *, bos_id, eos_id, beam_size, alpha, max_len):
    """用束搜索（beam search）翻译一个句子（input_ids 和 attention_mask 的形状是 (1, S)）。

    返回 ``(tokens, score)``：最好的候选生成的 ID（不含 BOS 和 EOS），以及它经过长度惩罚的
    分数  log p(tokens) / length_penalty(n, alpha)（如果它已结束，n 把 EOS 也算上）。

    ``model.encode(input_ids, attention_mask)`` → memory (1, S, D)，只调用一次。要一次给 n 个
    前缀打分：``model.decode(prefixes (n, t), memory.expand(n, -1, -1), attention_mask.expand(n, -1))``
    → logits (n, t, V)；下一个词元的对数概率是 ``logits[:, -1].log_softmax(-1)``。

    步骤（fairseq 的做法），k = beam_size。每个束是 (tokens, 原始对数概率)；开始时只有
    一个束 ([], 0.0)。对 step = 1, 2, ..., max_len：
      1. 每个候选 (束, 词元) 的分数是  束的对数概率 + log p(词元 | BOS + 束的词元)；
         在所有束和所有词元中取最好的 2k 个候选，从好到差排列（torch.topk）；
      2. 沿这个列表往下走（名次 0, 1, ...）：词元是 EOS 的候选，如果名次 < k 并且已结束的
         候选还不到 k 个，就算结束 —— 它的分数是 对数概率 / length_penalty(step, alpha)
         —— 而且不再扩展（名次 >= k 的 EOS 直接丢掉）；前 k 个不是 EOS 的候选成为新的束；
      3. 一旦有 k 个候选结束，就停止。
    如果先走完了 max_len 步，还活着的束也加入已结束的候选，但没有结束（没有 EOS），
    分数是 对数概率 / length_penalty(len(tokens), alpha)。返回分数最高的（分数相同时取
    第一个）。beam_size = 1 时，这恰好就是贪心解码。

    示例：k = 2，第 1 步之后的束是 ([5], -0.1) 和 ([7], -0.9)。第 2 步：
    候选包括 (5→EOS: -0.3)、(5→8: -0.5)、(7→EOS: -1.0)、(7→9: -1.2)……最好的
    四个依次是：5+EOS（名次 0 → 结束，分数 -0.3 / ((5+2)/6)**alpha）、5 8（束）、
    7+EOS（名次 2 >= k → 丢掉）、7 9（束）。
    """
    raise NotImplementedError
