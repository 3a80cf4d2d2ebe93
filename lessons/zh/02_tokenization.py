# translates: 02_tokenization.py sha256:b25499056ff7
# %% [markdown]
# # 第 02 课 — 分词：ID 从哪里来
#
# 文章把模型的输入写成
#
#     input_ids: [101, 2026, 2003, 2073, 102]
#
# 然后就往下讲了。这些 ID 只是*示意*：它们模仿 BERT 词表（vocabulary）的风格
# （30,522 个 WordPiece 子词片段，从 BooksCorpus 和英文维基百科学来），其中 101 是 `[CLS]`，
# 102 是 `[SEP]`——但它们并不是 BERT 分词器（tokenizer）真正给出的结果：真正的 BERT
# 会把“?”也单独切成一个片段，所以返回的是*六个* ID（`[CLS] how are you ? [SEP]`），不是五个。
# 翻译模型需要一个*同时*覆盖英文和法文的词表，所以 minimt 自己训练一个，下面每个 ID 都是真实的。
#
# （文章把 token 叫作“标记”，把 tokenization 叫作“标记化”；本课程和 d2l 一样，统一叫作词元（token）
# 和分词（tokenization）。）下面依次讲：
#
# 1. 为什么用子词（subword）片段，而不是单词或字符；
# 2. 在两种语言上训练同一个 SentencePiece 模型；
# 3. 文章里的句对变成子词片段和 ID，再变回来；
# 4. 特殊词元（special token）（pad、unk、bos、eos），以及 `[CLS]`/`[SEP]` 的角色；
# 5. 两种语言共用一个词表；
# 6. 规范化（normalisation）对法文文本做了什么；
# 7. 怎样选择词表大小。
#
# 可以当脚本运行（`python lessons/zh/02_tokenization.py`），也可以当 notebook 打开。
# `MINIMT_FAST=1` 让它跑得更快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **前置知识：** 第 01 课 — 平行语料和 `load_pairs`。
# - **下一课：** 第 03 课 — 填充、注意力掩码、用 -100 填充的标签：ID 变成批次张量。

# %%
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # 普通脚本：画到文件里；notebook 保留它自己的后端
import matplotlib.pyplot as plt

from minimt.data import embedded_path, load_pairs
from minimt.errors import MinimtError
from minimt.plots import save_figure
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟着它走（英文版 lessons/ 里是 "en"）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
train = load_pairs(embedded_path("train"))
valid = load_pairs(embedded_path("valid"))

# %% [markdown]
# ## 1. 按单词、按字符，还是取中间？
#
# 模型只能接收数字，所以文本必须变成一串来自固定列表的 ID，这个列表就是*词表*。
# 两种最直接的做法都行不通：
#
# - **按单词**：列表会变得巨大（每个动词的每种变位：*mange, manges, mangeons, mangé…*），
#   而训练时没见过的词根本没有 ID；
# - **按字符**：列表很小，但序列会变得很长——而注意力的开销随长度的*平方*增长。
#
# 在我们的语料上数一数：

# %%
train_words = Counter(w for pair in train for s in pair for w in s.split())
valid_words = [w for pair in valid for s in pair for w in s.split()]
unseen = sum(w not in train_words for w in valid_words) / len(valid_words)
chars = sum(len(s) for pair in train for s in pair) / (2 * len(train))
words = sum(len(s.split()) for pair in train for s in pair) / (2 * len(train))
print(f"按单词：训练集里有 {len(train_words):6,} 个不同的词；验证集中 {unseen:.2%} 的词在训练集里从未出现；"
      f"每句 {words:.1f} 个词")
print(f"按字符：{len({c for pair in train for s in pair for c in s}):6,} 个不同的字符；"
      f"每句 {chars:.1f} 个字符")

# %% [markdown]
# **子词片段**（piece）介于两者之间：常见的词保持完整，罕见的词用更小的片段拼出来
# （`▁mange` + `ons`），而且每个字符本身也是一个片段，所以任何由已知字符组成的文本都能写出来。
# 这些片段是用*字节对编码*（byte-pair encoding，BPE）从语料里学出来的：从字符开始，
# 反复把最常见的相邻一对合并成一个新片段，直到词表达到你要求的大小。
#
# ## 2. 训练我们的分词器
#
# minimt 用 Google 的 SentencePiece 库来跑训练循环，所有选择都写在 `minimt/tokenizer.py`
# 里（读一读它的文档字符串）。`Tokenizer.default()` 在内置训练集上——英文句子和法文句子放在
# 一起——训练一个有 4,000 个片段的模型。第一次调用要几秒钟；之后从缓存里直接加载。

# %%
tok = Tokenizer.default()
print(f"{tok.vocab_size:,} 个片段；模型文件：", tok.model_path)
print("sha256:", tok.sha256[:16], "…（检查点会记下它，拒绝加载不匹配的分词器）")
print("4 个特殊词元之后的前几个片段：", [tok.id_to_piece(i) for i in range(4, 24)])
longest = sorted(range(4, tok.vocab_size), key=lambda i: -len(tok.id_to_piece(i)))[:8]
print("最长的片段：", [tok.id_to_piece(i) for i in longest])

# %% [markdown]
# ## 3. 文章里的句对，用我们的 ID
#
# `pieces` 显示句子是怎么切的；`encode` 给出 ID；`decode` 再变回去。
# `▁`（U+2581）是词首标记（word-start marker），标出开始一个新词的片段——它代表前面的那个空格，
# 解码时正是靠它知道该在哪里把空格放回去。

# %%
english, french = "How are you?", "Comment ça va ?"
for text in (english, french):
    ids = tok.encode(text)
    print(f"{text!r:20} 片段 {tok.pieces(text)}")
    print(f"{'':20} ID   {ids}  → 解码 → {tok.decode(ids)!r}")
    assert tok.decode(ids) == text

# %% [markdown]
# 和文章对比一下：`[101, 2026, 2003, 2073, 102]` 给“How are you?”五个 ID；
# 我们的只有片段本身——四个，因为我们的分词器也像真正的 BERT 一样把“?”单独切了出来。
# 那 `[CLS]`（101）和 `[SEP]`（102）去哪儿了？
#
# ## 4. 特殊词元
#
# 我们的词表以四个永远不会从文本里切出来的片段开头：

# %%
roles = {
    tok.pad_id: "填充（padding）：补齐批次里较短的行（第 03 课）；模型从不预测它",
    tok.unk_id: "未知：训练时从没见过的字符",
    tok.bos_id: "开始：解码器读到的第一个词元（不是 BERT 的 [CLS]，见下文）",
    tok.eos_id: "结束：每个序列都以它收尾，模型由此学会停下（BERT 在这里放 [SEP]）",
}
for i, role in roles.items():
    print(f"id {i}  {tok.id_to_piece(i):6}  {role}")

# %% [markdown]
# BERT 在输入前面放 `[CLS]`，在末尾放 `[SEP]`。`[CLS]` **不是**像我们的 BOS 那样的开始信号：
# 它是编码器输入上的一个*汇总*词元，分类器把它最后的向量当作“整句话”来读。翻译模型不需要
# 汇总——它的解码器通过交叉注意力（cross-attention）读取每一个英文位置（第 04 课）——所以
# minimt 不在编码器的输入前面放任何东西。翻译模型把工作分给两部分：编码器（encoder）读英文，
# 解码器（decoder）写法文：
#
# - 编码器的输入是 `英文片段 + [EOS]`——没有开始词元：编码器一次就看到整句话，不需要“开始”信号；
# - 解码器的输入以 `[BOS]` 开头——它要在还没看到任何法文的时候写出第一个法文词，BOS 就是这个
#   “还什么都没有”；
# - 标签（解码器要预测的东西）以 `[EOS]` 结尾；预测出 EOS，就是模型在说“我说完了”。
#
# `encode` 一个都不加：第 03 课会把它们各自加到该去的地方。它们是*控制*符号：恰好拼成
# `<pad>` 或 `</s>` 的文本只是普通字符，所以句子永远没法偷偷塞进一个假的句末标记。
# 而分词器从没见过的字符会变成 `<unk>`（id 1），解码时显示为 ⁇：

# %%
ids = tok.encode("a </s> <pad> b")
print("字面上的 '</s>' 和 '<pad>'：", tok.pieces("a </s> <pad> b"), ids)
print("  （没有 id 0、2 或 3——那些 1 是 <unk>：我们的语料里从没出现过 '<'、'/' 和 '>'）")
assert not {tok.pad_id, tok.bos_id, tok.eos_id} & set(ids)
print("一个 emoji：", tok.pieces("Bravo 🎉"), tok.encode("Bravo 🎉"), "→", repr(tok.decode(tok.encode("Bravo 🎉"))))
print("解码时丢掉特殊词元：", repr(tok.decode([tok.bos_id] + tok.encode(french) + [tok.eos_id, tok.pad_id])))

# %% [markdown]
# ## 5. 两种语言，一个词表
#
# 我们在英文和法文上一起训练了*一个*模型。这样一个 ID 在任何地方都表示同一个片段——
# 在编码器的输入、解码器的输入和解码器的输出里都一样——于是模型可以让这三处共用一张
# 嵌入（embedding）表（“共享嵌入”，tied embeddings，第 05 课）；人名和数字在两种语言里
# 拼写相同，也就是同样的片段：模型可以学会把它们原样搬过去。两种语言共享了多少片段？

# %%
sample = train if not FAST else train[:3000]
used = {lang: Counter(i for pair in sample for i in tok.encode(pair[k])) for k, lang in enumerate(("en", "fr"))}
both = used["en"].keys() & used["fr"].keys()
print(f"只有英文用到的片段：{len(used['en'].keys() - both):,}，只有法文用到的："
      f"{len(used['fr'].keys() - both):,}，两边都用到的：{len(both):,}")
shared = sorted(both, key=lambda i: -min(used["en"][i], used["fr"][i]))[:15]
print("共享最多的：", [tok.id_to_piece(i) for i in shared])
name = next((tok.id_to_piece(i) for i in shared if tok.id_to_piece(i)[1:2].isupper()), "▁Tom")
example = next((p for p in sample if name[1:] in p[0].split() and name[1:] in p[1].split()), ("Tom", "Tom"))
print(f"人名 {name!r} 在两边是同一个片段：", tok.pieces(example[0]), tok.pieces(example[1]))
number = tok.encode("Tom is 30.")
print("一个数字：", tok.pieces("Tom is 30."), number)
if tok.unk_id in number:  # 我们的内置语料把数字都拼成单词（"vingt"、"eighty"）：没有阿拉伯数字可学
    print("  → '30' 是 <unk>（id 1）：我们的语料里没有一个句子含有阿拉伯数字。一串连续的未知字符")
    print("    只算一个 <unk> 片段。在含数字的语料（Tatoeba）上，split_digits=True 会把 '30' 切成 '3' '0'。")
else:
    print("  → 切成了单个数字（split_digits=True），两边是同样的片段")

# %% [markdown]
# ## 6. 规范化：分词器会稍微改写法文文本
#
# 在把句子切成片段之前，SentencePiece 会按 `nmt_nfkc` 规则对它做*规范化*（Unicode NFKC，
# 外加几条针对机器翻译的修正）。法文排版在 `? ! : ;` 前面和 « » 里面放一个不换行空格
# （U+00A0）或窄不换行空格（U+202F）；NFKC 会把两者都变成普通空格。所以
# `decode(encode(text))` 还给你的是*规范化后*的文本，不一定是你敲进去的那段。
# `tok.normalize` 让你看到模型实际看到的是什么：

# %%
examples = {
    "? 前的窄不换行空格": "Comment ça va\u202f?",
    ": 前的不换行空格": "Attention\u00a0: chien",
    "带不换行空格的法文引号 « »": "«\u00a0Salut\u00a0»",
    "弯撇号（保留！）": "l’homme",
    "直撇号": "l'homme",
    "连字 ﬁ 和省略号": "ﬁn…",
    "œ 和重音字母（保留）": "œuvre, été, ça",
    "连续空格": "Oui  ,   merci",
}
for what, text in examples.items():
    after = tok.normalize(text)
    flag = "变了" if after != text else "不变"
    print(f"{what:34} {text!r:26} → {after!r:22} {flag}")
changed = sum(tok.normalize(s) != s for pair in sample for s in pair)
print(f"语料中被规范化改动的句子：{changed} / {2 * len(sample):,}")
assert changed == 0  # 下面的讲解依赖这一点：我们的内置语料已经是规范形式

# %% [markdown]
# 我们自己的语料已经规范化过了（如上所示，改动了 0 句），但 Tatoeba 的语料没有。这带来两个后果。
# 弯撇号 ’ 和直撇号 ' 是*不同*的片段——两种混用的语料，会把同一个词的统计一分为二。
# 另外，当我们拿模型的译文去和带不换行空格的参考译文（reference translation）比较打分时
# （第 09 课），模型输出的普通空格和它们不一样；sacreBLEU 对两边做同样的切分，所以在那里无害，
# 但值得心里有数。
#
# ## 7. 要多少个片段？
#
# 词表大小是一种权衡。片段越多 → 序列越短（更快，注意力要连接的东西也更少），但罕见片段也越多，
# 它们的嵌入只能见到很少的训练样本。片段越少 → 每个片段都训练得很充分，但句子会变长。
# 我们训练几种大小，把两方面都量一量。要求的片段数多于语料能切出的数目会报错，
# 错误信息会告诉你可行的最大值。

# %%
sizes = [250, 1000, 4000] if FAST else [250, 500, 1000, 2000, 4000, 8000, 16000]
corpus = train[:5000] if FAST else train
stats = []
with tempfile.TemporaryDirectory() as folder:
    for size in sizes:
        try:
            t = Tokenizer.train(corpus, size, out_dir=Path(folder) / str(size))
        except MinimtError as error:
            print(f"词表 {size}：{error}")
            continue
        counts = Counter(i for pair in corpus for s in pair for i in t.encode(s))
        per_sentence = sum(counts.values()) / (2 * len(corpus))
        rare = sum(1 for i in range(4, t.vocab_size) if counts[i] < 10) / (t.vocab_size - 4)
        stats.append((size, per_sentence, rare))
        print(f"词表 {size:6,}：每句 {per_sentence:5.2f} 个片段；{rare:6.1%} 的片段出现不到 10 次；"
              f" 'Comment ça va ?' → {t.pieces('Comment ça va ?')}")
if corpus is not train:  # 快速模式只在一部分语料上训练这些大小：不是默认的分词器
    print(f"（快速模式：这些分词器只学了 {len(corpus):,} 个句对；默认分词器学的是 {len(train):,} 个）")

# %%
plt.rcParams.update({"font.size": 13})
fig, ax = plt.subplots(figsize=(9, 5))
xs = [s for s, _, _ in stats]
ax.plot(xs, [p for _, p, _ in stats], "o-", color="tab:blue", lw=2)
ax.set(xscale="log", xlabel="vocabulary size (pieces)", ylabel="pieces per sentence (mean)",
       title=f"Vocabulary size trade-off ({len(corpus):,} pairs)")
ax.yaxis.label.set_color("tab:blue")
ax2 = ax.twinx()
ax2.plot(xs, [100 * r for _, _, r in stats], "s--", color="tab:red", lw=2)
ax2.set_ylabel("% of pieces seen < 10 times", color="tab:red")
ax.minorticks_off()
ax.set_xticks(xs, [f"{x:,}" for x in xs])
fig.tight_layout()
print("已保存", save_figure(fig, FIGURES / "02_vocab_size.png", dpi=120))

# %% [markdown]
# （图的代码与英文版相同，所以坐标轴是英文：vocabulary size = 词表大小，pieces per sentence =
# 每句片段数，% of pieces seen < 10 times = 出现不到 10 次的片段所占比例。）
#
# 从左往右读这张图：一开始句子迅速变短，之后几乎不再变短；而一旦词表超出了语料能支撑的规模，
# 很少出现的片段所占的比例就一路上升。过了这个拐点，多加的片段收益很小，还会稀释训练信号。
# 在数百万句子上训练的真实系统用 30,000–60,000 个片段；小语料需要的要少得多。
# 我们语料的拐点在哪里？minimt 的默认值（4,000）又落在哪里？

# %%
best = min(p for _, p, _ in stats)
knee = next(size for size, p, _ in stats if p <= 1.05 * best)
print(f"句子长度与最短者相差不到 5% 的最小词表：{knee:,} 个片段")
# 默认分词器本身（`tok`，用全部训练集训练），在与上面相同的句子上测量：
counts = Counter(i for pair in corpus for s in pair for i in tok.encode(s))
default_per_sentence = sum(counts.values()) / (2 * len(corpus))
default_rare = sum(1 for i in range(4, tok.vocab_size) if counts[i] < 10) / (tok.vocab_size - 4)
print(f"默认分词器（{tok.vocab_size:,} 个片段，在全部 {len(train):,} 个训练句对上训练）："
      f"每句 {default_per_sentence:.2f} 个片段，在这 {len(corpus):,} 个句对里 {default_rare:.0%} 的片段"
      f"出现不到 10 次；'Comment ça va ?' → {tok.pieces('Comment ça va ?')}")
assert tok.vocab_size >= knee                            # 在拐点上或稍过拐点……
assert tok.pieces("Comment ça va ?")[0] == "▁Comment"    # ……并且文章里的 ▁Comment 是一个完整片段

# %% [markdown]
# 默认值特意放在拐点上或稍过一点（上面两个 assert 检查了这一点）：在那里句子几乎没有更短，
# 但常见的整词——包括文章里的 `▁Comment`：在默认分词器里它是一个片段，而上面较小的词表会把它
# 切成 `▁C` 和更多片段（再打印一次看看）——都有了自己的片段，这让后面几课的图更容易读。
# 我们的语料小而规整，所以连罕见片段也都是简单的词；在 Tatoeba 上，试试 8,000。

# %% [markdown]
# 在命令行上，`minimt tokenizer --data FILE --vocab-size N` 可以在任何语料上训练一个分词器，
# 并打印这些统计数字，外加几个示例句子的片段。
#
# ## 动手试试
#
# - 对你自己的名字（用拉丁字母拼写）和一个很长的法文词（*anticonstitutionnellement*）分词。
#   切出了哪些片段？为什么？
# - 只在法文那一边训练一个分词器，再对“How are you?”分词。英文片段会怎样？
# - 找一个法文句子，让它经过 `decode(encode(...))` 之后和你敲进去的不一样。
#   它碰上了第 6 节的哪一条规则？
#
# 下一课：第 03 课把这些 ID 列表变成填充好的张量——input_ids、注意力掩码、
# 用 -100 填充的标签，以及解码器输入 ID。

# %% [markdown]
# ## 练习
#
# 练习本课：先运行 `minimt exercises start N`，再运行 `minimt exercises check N`。
#
# - **1** — `add_specials`: 对一个句对编码，并把特殊词元（EOS、BOS）加到该去的地方
