"""练习 11 —— 贪心解码（第 08 课）。

检查你的答案：   minimt exercises check 11      （加上 --hint 可以看提示）
"""
import torch


def greedy_decode(model, input_ids, attention_mask, *, bos_id, eos_id, max_len):
    """翻译一个批次：每一步都取可能性最大的下一个词元。

    ``model.encode(input_ids, attention_mask)`` → memory (B, S, D)，即编码后的源句子。
    ``model.decode(decoder_input_ids, memory, attention_mask)`` → 对 (B, T) 的解码器输入给出
    logits (B, T, V)；下一个词元的分数在最后一个位置上，即 logits[:, -1]。

    每一行都从 [BOS] 开始；每一步把 argmax 得到的词元接在后面；一行生成 EOS 就算结束。
    所有行都结束时停止，或者在 ``max_len`` 步之后停止（max_len 数的是生成的词元，含 EOS）。
    返回由 B 个 int 列表组成的列表：每一行生成的词元，不含 BOS，也不含 EOS。
    源句子只编码一次；在 torch.no_grad() 下解码。

    示例（max_len=5）：如果各步 argmax 得到的词元是
        步:     1   2   3    4    5
        第 0 行: 17  42  EOS  -    -      → [17, 42]
        第 1 行: 8   8   8    8    8      → [8, 8, 8, 8, 8]   （max_len 之内没有 EOS）
    第 0 行在第 3 步之后就结束了：之后模型对它说什么，都不再加进去。
    """
    raise NotImplementedError
