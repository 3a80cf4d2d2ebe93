"""Every sentence `minimt inspect` prints, in English and in Chinese (中文), side by side.

The walkthrough retells a Chinese article (its readers are minimt's first audience), so the
Chinese text is not a word-for-word copy of the English: it is written for a student who
searched in Chinese for what `input_ids`, `attention_mask` and `labels` do, with the terms of
`minimt/glossary_zh.tsv` (the English term in parentheses at first use).

One rule keeps the two in step: both languages have the same keys and the same ``{placeholders}``,
and print the same numbers (tests/test_inspect_zh.py renders both and compares them).
Code names (input_ids, labels, -100, PAD, BOS, EOS) stay as they are in both languages.
"""
from __future__ import annotations

TEXT: dict[str, dict[str, object]] = {}

TEXT["en"] = {
    "header": "tokenizer: {path} ({vocab} pieces; pad={pad} unk={unk} bos={bos} eos={eos})",
    "dash": " — ",
    "stages": {  # number: (name, one-line explanation)
        1: ("raw pair", "the text the model learns from"),
        2: ("pieces", "SentencePiece cuts each side into subword pieces (▁ = a space before the piece)"),
        3: ("ids", "each piece's number in the vocabulary; no special tokens yet"),
        4: ("input_ids", "encoder input = source ids + EOS, padded on the right with PAD"),
        5: ("attention_mask", "1 = real token, 0 = padding: attention never looks at a 0"),
        6: ("labels", "what the decoder must predict = target ids + EOS, padded with -100 (the loss skips -100)"),
        7: ("decoder_input_ids", "what the decoder reads = BOS + labels shifted one place right, -100 → PAD"),
    },
    "to_length": " to length {S}",
    "en": "EN {b}", "fr": "FR {b}", "row": "row {b}", "position": "position", "row_labels": "row {b} labels",
    "read_columns": "read each column bottom → top: having read the bottom token, the decoder must predict the top one",
    "article": (
        "\nthe article's example (BERT ids, illustrative only): input_ids [101, 2026, 2003, 2073, 102], "
        "labels [1055, 3791, 3651, 102, -100, -100]\n"
        "{ours}input_ids {ids}, labels {lab}\n"
        "   101 [CLS] opens BERT's input: our encoder needs no start marker, our BOS ({bos}) opens the decoder input;\n"
        "   102 [SEP] closes a sequence: our EOS ({eos}) closes input_ids and labels; -100 marks padding in labels "
        "in both.\n"
        "   The article's ids are only an illustration: [CLS] + 4 tokens + [SEP] would be 6 ids, it shows 5.\n"
        "   Ids differ because they are rows of a different vocabulary: ours, trained by minimt."),
    "ours_article": "minimt, row 0:          ",
    "ours_other": "minimt, row 0 ({sentence!r}, not the article's sentence):\n" + " " * 24,
    "left_out": (
        "\nwhat the article leaves out:\n"
        "   where the ids come from: minimt trains its own SentencePiece tokenizer on its corpus ({vocab} pieces);\n"
        "      an id is the row of a piece in that vocabulary, and ids {pad}-{eos} are reserved: "
        "pad={pad} unk={unk} bos={bos} eos={eos}.\n"
        "   the shift right (teacher forcing): the decoder reads decoder_input_ids {dec},\n"
        "      the labels {lab} moved one place right behind BOS ({bos}): at position t it has read the right\n"
        "      tokens before t and must predict labels[t], so all {T} positions train in one forward pass.\n"
        "   the masks inside attention: attention_mask becomes a padding mask of shape (B={B}, 1, 1, S={S}) —\n"
        "      True = may attend — shared by every head and every query; the decoder adds a causal mask\n"
        "      ({T} x {T}, query t sees keys up to t), and cross-attention reuses the source padding mask.\n"
        "      Careful: nn.MultiheadAttention's key_padding_mask says the opposite (True = ignore).\n"
        "   why -100 and not the pad id {pad}: cross-entropy with ignore_index=-100 skips those positions, so the\n"
        "      loss is a mean over the {real} real label tokens, not over all {cells} cells; with {pad} the model\n"
        "      would also be trained to predict padding. -100 is no row of the vocabulary: it cannot be a real token."),
    "then": ("\nthen: input_ids + attention_mask → encoder; decoder_input_ids + decoder_attention_mask → decoder "
             "→ logits (B={B}, T={T}, V={V}) → cross-entropy against labels, skipping -100 → backprop → update"),
    "pictures": "\npictures, one per stage: {paths}",
    "explorer": "explorer page (open it in a browser; point at any cell): {page}",
}

TEXT["zh"] = {
    "header": "分词器（tokenizer）：{path}（词表共 {vocab} 个子词片段；pad={pad} unk={unk} bos={bos} eos={eos}）",
    "dash": " —— ",
    "stages": {
        1: ("原始句对", "模型要学习的原文：一句英文，一句法文"),
        2: ("子词片段", "SentencePiece 把两边的句子各自切成子词片段（piece）；▁ 是词首标记，表示片段前有一个空格"),
        3: ("ID", "每个子词片段在词表（vocabulary）里的编号；这时还没有加特殊词元（special token）"),
        4: ("输入 ID（input_ids）", "编码器（encoder）的输入 = 源句 ID + EOS，右侧用 PAD 填充（padding）"),
        5: ("注意力掩码（attention_mask）", "1 = 真实词元（token），0 = 填充：注意力（attention）从不看值为 0 的位置"),
        6: ("标签（labels）", "解码器（decoder）要预测的内容 = 目标句 ID + EOS，用 -100 填充（损失（loss）跳过 -100）"),
        7: ("解码器输入 ID（decoder_input_ids）", "解码器读入的内容 = BOS + 右移（shift right）一位的标签，-100 → PAD"),
    },
    "to_length": "，统一填充到长度 {S}",
    "en": "英 {b}", "fr": "法 {b}", "row": "第 {b} 行", "position": "位置", "row_labels": "第 {b} 行 labels",
    "read_columns": "每一列从下往上读：解码器读到下面的词元之后，要预测上面的那一个",
    "article": (
        "\n原文的例子（BERT 的 ID，仅作示意）：input_ids [101, 2026, 2003, 2073, 102]，"
        "labels [1055, 3791, 3651, 102, -100, -100]\n"
        "{ours}input_ids {ids}，labels {lab}\n"
        "   101 是 BERT 的 [CLS]，放在输入开头：我们的编码器不需要开头标记，BOS（{bos}）只放在解码器输入的开头；\n"
        "   102 是 [SEP]，表示序列结束：我们用 EOS（{eos}）结束 input_ids 和 labels；两边都用 -100 "
        "标出 labels 里的填充。\n"
        "   原文的 ID 只是示意：[CLS] + 4 个词元 + [SEP] 应该是 6 个 ID，文中只写了 5 个。\n"
        "   ID 不同，是因为它们是另一张词表里的行号：我们的词表是 minimt 自己训练出来的。"),
    "ours_article": "minimt 第 0 行：        ",
    "ours_other": "minimt 第 0 行（{sentence!r}，不是原文的句子）：\n" + " " * 24,
    "left_out": (
        "\n原文没有讲的几件事：\n"
        "   ID 从哪里来：minimt 在自己的语料上训练一个 SentencePiece 分词器（词表 {vocab} 个子词片段）；\n"
        "      ID 就是子词片段在词表里的行号，{pad}-{eos} 号留给特殊词元："
        "pad={pad} unk={unk} bos={bos} eos={eos}。\n"
        "   右移（教师强制，teacher forcing）：解码器读入的是 decoder_input_ids {dec}，\n"
        "      也就是把标签 {lab} 向右挪一位、前面放上 BOS（{bos}）：在位置 t，它已经读到 t 之前的正确词元，\n"
        "      要预测 labels[t]，所以 {T} 个位置在一次前向传播里同时训练。\n"
        "   注意力内部的掩码：attention_mask 变成形状为 (B={B}, 1, 1, S={S}) 的填充掩码（padding mask），\n"
        "      True = 可以关注，所有注意力头、所有查询共用；解码器再加一个因果掩码（causal mask）\n"
        "      （{T} x {T}，查询 t 只能看到不超过 t 的键），交叉注意力（cross-attention）沿用源句的填充掩码。\n"
        "      注意：nn.MultiheadAttention 的 key_padding_mask 含义正相反（True = 忽略）。\n"
        "   为什么用 -100 而不用填充 ID {pad}：交叉熵（cross-entropy）设了 ignore_index=-100，会跳过这些位置，\n"
        "      所以损失是对 {real} 个真实标签词元求平均，而不是对全部 {cells} 个格子；如果用 {pad}，模型\n"
        "      还会被训练去预测填充。-100 不是词表里的任何一行，不可能和真实词元混淆。"),
    "then": ("\n接下来：input_ids + attention_mask → 编码器；decoder_input_ids + decoder_attention_mask → 解码器 "
             "→ logits（B={B}，T={T}，V={V}）→ 与 labels 计算交叉熵，跳过 -100 → 反向传播（backpropagation）→ 更新参数"),
    "pictures": "\n每一步一张图：{paths}",
    "explorer": "探索页面（用浏览器打开，指向任意格子即可看到解释）：{page}",
}
