# translates: 03_padding_masks_labels.py sha256:2fc2f8e6bd8e
# %% [markdown]
# # 第 03 课 — 填充、注意力掩码、用 -100 填充的标签，以及右移
#
# 第 02 课把每个句子变成了一串 ID。但模型是按*批次*（batch）训练的：一次处理很多句子，
# 存成矩形的张量。本课亲手搭出文章里的四个张量——再加上文章没讲的那一个：
#
#     input_ids          英文 ID + EOS，经过填充            → 编码器读的东西
#     attention_mask     1 = 真实词元，0 = 填充             → 注意力可以看的位置
#     labels             法文 ID + EOS，用 -100 填充        → 解码器必须预测的东西
#     decoder_input_ids  BOS + 右移后的 labels              → 解码器读的东西
#
# 也就是：输入 ID（input_ids）、注意力掩码（attention_mask）、标签（labels），
# 以及文章没讲的解码器输入 ID（decoder_input_ids）。
#
# 还有第五个张量随行：`decoder_attention_mask`，即 `decoder_input_ids` 的注意力掩码
# （1 = 真实，0 = 填充）。它不在文章的四个张量之列，因为它不带任何新信息——它恰好在
# `labels` 不是 -100 的地方为 1（第 6 节会检查）——但第 04 课的解码器要用它，
# 所以 `make_batch` 也会把它造出来。
#
# 每个张量都配一张图（来自 `minimt.plots`）和一条检查。代码在 `minimt/batch.py` 里，
# 不到 200 行朴素的张量切片——可以对照着读。
#
# 可以当脚本运行（`python lessons/zh/03_padding_masks_labels.py`），也可以当 notebook 打开。
# `MINIMT_FAST=1` 让它跑得更快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **前置知识：** 第 02 课 — 分词器的子词片段、ID 和特殊词元。
# - **下一课：** 第 04 课 — 注意力和它的三种掩码：`attention_mask` 用在哪里。

# %%
import os
import random
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # 普通脚本：画到文件里；notebook 保留它自己的后端
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from minimt import plots
from minimt.batch import IGNORE_INDEX, bucket_batches, make_batch, padding_fraction, shift_right
from minimt.data import embedded_path, load_pairs
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟着它走（英文版 lessons/ 里是 "en"）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
tok = Tokenizer.default()  # 第 02 课的分词器（训练一次，之后从缓存加载）
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
print(f"pad={tok.pad_id} unk={tok.unk_id} bos={tok.bos_id} eos={tok.eos_id}，共 {tok.vocab_size} 个片段")


def show(name, tensor):
    print(f"{name:22} {tuple(tensor.shape)}  {tensor.tolist()}")


# %% [markdown]
# ## 1. 文章里的句对，填充到长度 6
#
# 文章把标签填充到最大长度 6。`make_batch` 接收若干个 ID 列表
# （不带特殊词元——EOS、BOS 和填充都由它自己加）：

# %%
english, french = "How are you?", "Comment ça va ?"
src, tgt = tok.encode(english), tok.encode(french)
one = make_batch([src], [tgt], **special, max_length=6)
show("input_ids", one.input_ids)
show("attention_mask", one.attention_mask)
show("labels", one.labels)
show("decoder_input_ids", one.decoder_input_ids)
show("decoder_attention_mask", one.decoder_attention_mask)
print("文章里的（示意）ID：input_ids [101, 2026, 2003, 2073, 102]，attention_mask [1, 1, 1, 1, 1]，"
      "labels [1055, 3791, 3651, 102, -100, -100]")

# %% [markdown]
# 文章的 ID 只是示意（第 02 课），我们的是真实的。我们的 EOS（3）放在文章放 `[SEP]`（102）的位置。
# BERT 在编码器输入前面放 `[CLS]`（101），我们什么都不放（原因见第 02 课）——但我们的分词器
# 把“?”单独切成一个片段，所以这一行仍然有五个真实 ID：四个片段 + EOS。
# 我们还把 `input_ids` 也填充到了 6，所以它的 `attention_mask` 里有一个 0。
# “Comment ça va ?”有 4 个片段 + EOS，所以只有最后一个标签是 -100——文章里的法文少一个片段，
# 所以它有两个 -100。下面的检查让这些句子对上这些数字：

# %%
assert len(src) == 4 and one.attention_mask.sum().item() == len(src) + 1 == 5  # 4 个片段 + EOS，1 个填充
assert len(tgt) == 4 and (one.labels == IGNORE_INDEX).sum().item() == 1      # 4 个片段 + EOS，一个 -100

# %% [markdown]
# ## 2. 一个批次：填充成矩形
#
# 句子长短不一，而张量是矩形。所以每一行都用填充 ID（0）补齐到最长那一行的长度，
# 而且总是补在**右边**——不管在哪个批次里，真实词元都占着位置 0、1、2……
# 下面是长度明显不同的三个句对：

# %%
train = load_pairs(embedded_path("train"))
rng = random.Random(0)
others = rng.sample([p for p in train if len(tok.encode(p[0])) > len(src) + 2], 1)
others += rng.sample([p for p in train if len(tok.encode(p[0])) < len(src)] or train, 1)
pairs = [(english, french)] + others
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
for en, fr in pairs:
    print(f"  {en!r} → {fr!r}")
show("input_ids", batch.input_ids)
show("attention_mask", batch.attention_mask)

# %% [markdown]
# （下面几张图的标题写在本课代码里，而中文版与英文版的代码逐字相同，所以标题是英文；
# row = 行，pieces = 子词片段。）

# %%
rows = [f"row {b}" for b in range(len(pairs))]
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
print(plots.plot_tokens([tok.pieces(en) for en, _ in pairs], title="English pieces (lesson 02)",
                        path=FIGURES / "03_pieces.png", row_labels=rows))
print(plots.plot_id_grid(batch.input_ids, pieces=src_pieces, pad_id=tok.pad_id, row_labels=rows,
                         title="input_ids: English + EOS, padded on the right", path=FIGURES / "03_input_ids.png"))

# %% [markdown]
# ## 3. 注意力掩码：哪些位置是真实的
#
# 填充只是凑数的，模型绝不能去读它。`attention_mask` 标出它在哪里——
# **1 = 真实词元，0 = 填充**（文章沿用的 Hugging Face 约定）。它是根据每行的长度造出来的，
# 而不是拿 ID 去和填充 ID 比较，所以即使 id 0 是一个真实的词，它也照样正确。
# 在第 04 课里，每个指向 0 所在列的注意力分数都会在 softmax 之前被设成 −∞，
# 于是这些位置得到的权重恰好为零。
#
# **小心：** PyTorch 自己的 `nn.MultiheadAttention` 和 `nn.Transformer` 接收的是
# `key_padding_mask`，其中 **True 表示“忽略”**——极性正好相反。转换只需要一次比较，
# 而一旦弄反，模型就会悄无声息地*只*关注填充：

# %%
print(plots.plot_mask_grid(batch.attention_mask, pieces=src_pieces, row_labels=rows,
                           title="attention_mask: 1 = real token, 0 = padding",
                           path=FIGURES / "03_attention_mask.png"))
key_padding_mask = batch.attention_mask == 0  # PyTorch nn.MultiheadAttention：True = 忽略这个键
print("attention_mask       ", batch.attention_mask[-1].tolist())
print("key_padding_mask     ", key_padding_mask[-1].tolist(), "（只给 nn.MultiheadAttention 用）")
assert batch.attention_mask.sum(1).tolist() == [len(tok.encode(en)) + 1 for en, _ in pairs]

# %% [markdown]
# ## 4. 标签：法文 + EOS，用 -100 填充
#
# `labels` 存放解码器必须预测的 ID，每个位置一个，以 EOS 结尾。它的填充是 **-100**，
# 而不是填充 ID。为什么？损失函数 `F.cross_entropy(..., ignore_index=-100)` 会跳过所有
# 标签为 -100 的位置，只在其余位置上求平均。如果我们改用 0 来填充标签，填充就成了要预测的
# 东西：模型只要学会说 `<pad>` 就能降低损失——容易，但毫无用处——而且同样几句话的损失
# 会随着它们所在批次碰巧有多少填充而变化。用随机分数（logits，即未归一化的分数）在我们的
# 批次上验证这两点——先确认 -100 真的表示“跳过”，再逐条验证：

# %%
labels = batch.labels
print(plots.plot_id_grid(labels, pieces=[["" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in row]
                                         for row in labels.tolist()], pad_id=tok.pad_id, row_labels=rows,
                         title="labels: French + EOS, padded with -100", path=FIGURES / "03_labels.png"))
_ = torch.manual_seed(0)  # `_ =`：这个调用返回一个 Generator，不接住的话 notebook 会打印它的 repr
B, T = labels.shape
logits = torch.randn(B, T, tok.vocab_size)  # (B, T, V)：每个位置上每个片段一个分数
loss = F.cross_entropy(logits.reshape(B * T, -1), labels.reshape(B * T), ignore_index=IGNORE_INDEX)
real = labels != IGNORE_INDEX  # (B, T)
log_probs = logits.log_softmax(-1)  # (B, T, V)
by_hand = -log_probs[real, labels[real]].mean()  # 只在真实词元上求平均
print(f"忽略 -100 的交叉熵：{loss:.4f}   在 {int(real.sum())} 个真实词元上手算：{by_hand:.4f}")
assert torch.allclose(loss, by_hand, atol=1e-6)

# 一个“作弊”模型：真实位置上是随机分数，填充位置上给 <pad> 一个巨大的分数。
cheat = logits.clone()
cheat[~real, tok.pad_id] = 30.0
pad_labels = labels.masked_fill(~real, tok.pad_id)  # 用 0 填充的标签会是这个样子
with_pad = F.cross_entropy(cheat.reshape(B * T, -1), pad_labels.reshape(B * T))
with_ignore = F.cross_entropy(cheat.reshape(B * T, -1), labels.reshape(B * T), ignore_index=IGNORE_INDEX)
print(f"作弊模型——标签用 <pad> 填充时的损失：{with_pad:.3f}（看起来更好！）；"
      f"用 -100 时：{with_ignore:.3f}（没变：{loss:.3f}）")
assert with_pad < with_ignore and torch.allclose(with_ignore, loss)  # 第 1 点：用填充 ID 会奖励预测 <pad>

# 第 2 点：用填充 ID 做标签时，填充也算作词元，所以同样的句子只因批次更宽，损失就变了。
# 再补 4 列填充：-100 给出同样的损失，填充 ID 标签则不然。
wide_logits = torch.cat([logits, torch.randn(B, 4, tok.vocab_size)], dim=1)     # (B, T+4, V)
wide = F.pad(labels, (0, 4), value=IGNORE_INDEX)                                 # (B, T+4)：多 4 个 -100
wide_pad = wide.masked_fill(wide == IGNORE_INDEX, tok.pad_id)                    # 同样的东西，用 0 填充
ce = lambda lg, lb: F.cross_entropy(lg.reshape(-1, lg.size(-1)), lb.reshape(-1), ignore_index=IGNORE_INDEX)  # noqa: E731
print(f"多 4 列填充——用 -100：{ce(wide_logits, wide):.4f}（原来 {loss:.4f}）；"
      f"用 <pad> 填充：{ce(wide_logits, wide_pad):.4f}（原来 {ce(logits, pad_labels):.4f}）")
assert torch.allclose(ce(wide_logits, wide), loss)                               # 填充不计入
assert not torch.allclose(ce(wide_logits, wide_pad), ce(logits, pad_labels))     # 第 2 点：填充被计入了

# %% [markdown]
# ## 5. 解码器输入 ID：右移后的标签
#
# 文章的数据流是“输入 → 模型 → 预测的法文 → 损失”。可是解码器一边写，一边*读*的是什么？
# 训练时我们把到目前为止正确的法文喂给它（**教师强制**，teacher forcing）：在位置 t，
# 它读 BOS 和前 t 个目标词元，必须预测第 t+1 个。这个输入就是把标签整体向右移一格（右移，
# shift right），前面放上 BOS，再把 -100 换回填充 ID（-100 不是 ID：嵌入表里没有它那一行）。
# 每一列从下往上读：“读到了这个，就预测那个”。

# %%
dec = shift_right(labels, bos_id=tok.bos_id, pad_id=tok.pad_id)
assert torch.equal(dec, batch.decoder_input_ids)  # make_batch 用的是同一个函数
for t in range(T):
    reads, target = dec[0, t].item(), labels[0, t].item()
    print(f"位置 {t}：读 {tok.id_to_piece(reads):10} → 要预测 "
          f"{'（无：-100）' if target == IGNORE_INDEX else tok.id_to_piece(target)}")
piece_rows = lambda x: [["" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in r] for r in x.tolist()]  # noqa: E731
print(plots.plot_shift(labels, dec, label_pieces=piece_rows(labels), input_pieces=piece_rows(dec),
                       path=FIGURES / "03_shift_right.png"))

# %% [markdown]
# 两个细节。解码器在同一个位置上永远读不到它要预测的那个词元——如果 `decoder_input_ids`
# 就是标签本身，模型会学会照抄输入，到真正生成的时候就会胡言乱语。另外，在有填充的行上，
# EOS 会移进解码器输入里的某个位置，而那个位置的标签是 -100，`decoder_attention_mask`
# （开头提到的第五个张量）是 0：它什么也不预测，也没有谁能看到它。
#
# ## 6. 规则逐条检查
#
# `tests/test_batch.py` 在成千上万个随机批次上（用 hypothesis）检查这些规则；这里在我们的批次上检查：

# %%
assert (batch.labels != tok.pad_id).all(), "标签里不能有填充 ID"
assert ((batch.labels == tok.eos_id).sum(1) == 1).all(), "每一行标签恰好有一个 EOS"
assert (batch.decoder_input_ids[:, 0] == tok.bos_id).all(), "解码器从 BOS 开始"
ok = batch.labels[:, :-1] != IGNORE_INDEX
assert torch.equal(batch.decoder_input_ids[:, 1:][ok], batch.labels[:, :-1][ok]), "恰好右移一格"
assert torch.equal(batch.decoder_attention_mask, (batch.labels != IGNORE_INDEX).long())
print("全部检查通过；这个批次里真实标签词元的个数（n_tokens）：", batch.n_tokens)

# %% [markdown]
# ## 7. 少一些填充：把长度相近的句子放进同一批
#
# 填充是白白浪费的计算。随机抽取批次会把长短句混在一起；`bucket_batches` 先按长度给句对排序，
# 然后把每个批次装到 `max_tokens` 个填充后位置的预算为止（`B × (最长源句 + 1 + 最长目标句 + 1)`），
# 最后（用固定种子）打乱批次的*顺序*，免得训练时按长度顺序看到数据。

# %%
corpus = train[:5000] if FAST else train
lengths = [(len(tok.encode(en)), len(tok.encode(fr))) for en, fr in corpus]
budgets = [1000, 4000] if FAST else [500, 1000, 2000, 4000, 8000]
bucketed, shuffled = [], []
for max_tokens in budgets:
    batches = bucket_batches(lengths, max_tokens, seed=0)
    size = len(corpus) // len(batches)  # 平均大小相同的随机批次
    order = list(range(len(corpus)))
    random.Random(0).shuffle(order)
    at_random = [order[i:i + size] for i in range(0, len(order), size)]
    bucketed.append(padding_fraction(batches, lengths))
    shuffled.append(padding_fraction(at_random, lengths))
    print(f"max_tokens {max_tokens:5}：{len(batches):4} 个批次，每批约 {size} 个句对；填充占比 "
          f"按长度分桶 {bucketed[-1]:.1%}，随机 {shuffled[-1]:.1%}")

plt.rcParams.update({"font.size": 13})
fig, ax = plt.subplots(figsize=(9, 5))
x = range(len(budgets))
ax.bar([i - 0.2 for i in x], [100 * p for p in shuffled], width=0.4, label="random batches", color="tab:red")
ax.bar([i + 0.2 for i in x], [100 * p for p in bucketed], width=0.4, label="bucket_batches (sorted)", color="tab:green")
ax.set_xticks(list(x), [f"{b:,}" for b in budgets])
for bars in ax.containers:  # 每根柱子顶上标出它的数值
    ax.bar_label(bars, fmt="%.1f%%", padding=2, fontsize=11)
ax.set_ylim(0, 1.3 * 100 * max(shuffled + bucketed))  # 留出空间：图例放在柱子上方
ax.set(xlabel="max_tokens (padded positions per batch)", ylabel="% of positions that are padding",
       title=f"Padding: random vs length-bucketed batches ({len(corpus):,} pairs)")
ax.legend(loc="upper center", ncol=2)
fig.tight_layout()
print("已保存", plots.save_figure(fig, FIGURES / "03_padding_fraction.png", dpi=120))

# %% [markdown]
# 同样的批次，一条命令就能看到，句对随你挑：
#
#     minimt inspect "How are you?" "Comment ça va ?" --max-length 6
#
# 也可以做成一个网页，每个格子都会告诉你它为什么装着这个值——指向一个 -100，它会说
# “填充，损失跳过它”；指向一个标签，它在 `decoder_input_ids` 里右移后的那个副本就会亮起来
# （`minimt explore`，或 `minimt inspect … --html page.html`）：
#
#     minimt explore "How are you?" "Comment ça va ?" --max-length 6    # 写出 minimt-explore.html
#
# ## 动手试试
#
# - 用 `truncate=True` 和 `max_length=4` 造一个批次。每一行末尾留下的是哪个词元？为什么必须是它？
# - 用填充 ID 而不是 -100 来填充 `labels`，然后训练……不，只做预测就好：
#   `F.cross_entropy` 现在奖励的是什么？（第 4 节演示过；用一句话解释它。）
# - 为什么 `bucket_batches` 的预算按*填充后的位置数*来算，而不是按句子数？
#
# 下一课：第 04 课在注意力内部用上 `attention_mask`，并加入因果掩码（causal mask）。

# %% [markdown]
# ## 练习
#
# 练习本课：先运行 `minimt exercises start N`，再运行 `minimt exercises check N`。
#
# - **2** — `pad_batch`: 在右边填充一个批次，并根据每行的长度造出注意力掩码
# - **3** — `make_labels`: 标签 = 目标句 + EOS，用 -100 填充
# - **4** — `shift_right`: 解码器输入 ID = BOS + labels[:-1]，其中 -100 换回填充 ID
