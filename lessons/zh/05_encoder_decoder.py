# translates: 05_encoder_decoder.py sha256:11e2bbe47a55
# %% [markdown]
# # 第 05 课 — 编码器–解码器，一个张量一个张量地看
#
# 第 02–04 课造好了零件：ID、带掩码的填充批次，以及注意力。现在把它们组装成一个翻译模型。
# 我们跟着文章里的句对“How are you?” → “Comment ça va ?”，走过一个（未训练的）
# `minimt.model.Transformer`，把每一步的形状都打印出来：
#
#     input_ids (B,S) → 嵌入 ·√D + 位置 → 编码器各层 → memory (B,S,D)
#     decoder_input_ids (B,T) → 嵌入 ·√D + 位置 → 解码器各层（因果自注意力、
#         对 memory 的交叉注意力）→ × 嵌入ᵀ → logits (B,T,V)
#
# 我们用模型自己的层，亲手把前向传播重做一遍，并检查它和模型给出的数字只差浮点舍入误差
# （0 或 1e-6 左右，取决于机器和线程数：同样的求和，只是相加的顺序不同；本课断言 < 1e-4）——
# 所以你在这里读到的，就是第 07 课里真正训练的东西。
# 代码在 `minimt/model.py` 里（约 250 行）——可以对照着读。
#
# 可以当脚本运行（`python lessons/zh/05_encoder_decoder.py`），也可以当 notebook 打开。
# `MINIMT_FAST=1` 让它跑得更快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **前置知识：** 第 02–04 课 — ID、填充批次、注意力和它的掩码。
# - **下一课：** 第 06 课 — 损失与 -100：logits 和标签相遇。

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # 普通脚本：画到文件里；notebook 保留它自己的后端
import matplotlib.pyplot as plt
import torch

from minimt import plots
from minimt.attention import decoder_self_mask, padding_mask
from minimt.batch import make_batch
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟着它走（英文版 lessons/ 里是 "en"）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
_ = torch.manual_seed(0)  # `_ =`：不让返回的 Generator 的 repr 出现在输出里
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)


def show(name, t, what=""):
    print(f"{name:34} {str(tuple(t.shape)):16} {what}")


def max_diff(a, b):
    return (a - b).abs().max().item()


# %% [markdown]
# ## 1. 批次和模型
#
# 文章里的句对，再加一个更长的句对，这样批次的两边（英文和法文）都有填充。模型用 minimt 的
# 默认大小：D = 256 维，4 个注意力头，编码器和解码器各 3 层。

# %%
pairs = [("How are you?", "Comment ça va ?"), ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
tgt_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.decoder_input_ids.tolist()]
print("源句片段：", src_pieces[0], "\n目标句片段：", tgt_pieces[0])
show("input_ids", batch.input_ids, "(B,S) 英文 + EOS，已填充")
show("attention_mask", batch.attention_mask, "(B,S) 1 = 真实词元")
show("decoder_input_ids", batch.decoder_input_ids, "(B,T) BOS + 法文，已填充")
show("decoder_attention_mask", batch.decoder_attention_mask, "(B,T)")
show("labels", batch.labels, "(B,T) 法文 + EOS，-100 = 忽略")

config = ModelConfig(vocab_size=tok.vocab_size)
model = Transformer(config).eval()  # eval()：关掉暂退法（第 3 节），下面每个数字都可以复现
print(config)
n_params = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
print(f"参数量：{n_params(model):,} — 嵌入 {n_params(model.embedding):,}（三处共用），"
      f"编码器 {n_params(model.encoder_layers):,}，解码器 {n_params(model.decoder_layers):,}")
B, S = batch.input_ids.shape
T, D, V = batch.decoder_input_ids.shape[1], config.d_model, config.vocab_size

# %% [markdown]
# ## 2. 嵌入和位置
#
# 嵌入（embedding）表把每个 ID 变成一个 D 维向量。注意力本身不管顺序（它混合的是一*组*向量），
# 所以我们再加上一个**位置**向量，即位置编码（positional encoding）：原论文里的正弦曲线，
# `sin(p / 10000^(2i/D))` 和 `cos(…)`，固定不变、不需要学习，取值在 [-1, 1] 之间。
#
# 词元嵌入初始化时标准差为 D^-0.5，再乘以 √D，所以进入第一层的东西里，词元部分每个数的
# 均方根（rms）≈ 1，位置部分恰好是 1/√2 ≈ 0.71（每一对 sin/cos 满足 sin² + cos² = 1）：
# 两者同一个量级，谁也不会淹没谁。（这张表同时也是输出层，见第 5 节；在那里，较小的初始值让
# 最初的 logits 也比较小。）
#
# 图中，偶数维 2i 放正弦，奇数维 2i+1 放同一频率的余弦；交错着画会变成一条条条纹，所以分开画。
# 第 i 行是一个频率：最上面变化最快（i = 0 每 2π ≈ 6 个位置转一圈），越往下越慢——
# 每个位置沿着列方向都有自己独特的一组取值。（图的代码与英文版相同，所以图中文字是英文：
# position = 位置，frequency = 频率，dimensions = 维，value = 取值，vector length = 向量长度，
# token embedding = 词元嵌入，position vector = 位置向量。）

# %%
tokens = model.embedding(batch.input_ids)                    # (B,S,D)
scaled = tokens * math.sqrt(D)                               # (B,S,D)
positions = model.positions[:S]                              # (S,D)，是一个 buffer，不是参数
x = scaled + positions                                       # (B,S,D)，在 B 上广播
rms = lambda t: t.pow(2).mean().sqrt().item()  # noqa: E731  所有数的均方根
show("embedding(input_ids)", tokens, f"标准差 {tokens.std():.3f} ≈ D^-0.5 = {D ** -0.5:.3f}")
show("  × √D", scaled, f"rms {rms(scaled):.2f}")
show("positions[:S]", positions, f"rms {rms(positions):.3f} = 1/√2 = {2 ** -0.5:.3f}")
show("x = tokens·√D + positions", x)
assert abs(rms(positions) - 2 ** -0.5) < 1e-4 and abs(rms(scaled) - 1) < 0.1

P = 50  # 画出的位置数；我们的句子要短得多
plt.rcParams.update({"font.size": 13})
fig, (ax_sin, ax_cos, ax2) = plt.subplots(1, 3, figsize=(19, 6), layout="constrained",
                                          gridspec_kw={"width_ratios": [1, 1, 1.1]})
for ax, part, name in ((ax_sin, 0, "sin: dimensions 0, 2, 4, …"), (ax_cos, 1, "cos: dimensions 1, 3, 5, …")):
    im = ax.imshow(model.positions[:P, part::2].T, aspect="auto", cmap="RdBu", vmin=-1, vmax=1,
                   interpolation="nearest")  # 第 i 行：第 2i 维（sin）或第 2i+1 维（cos），一个频率
    ax.axvline(S - 0.5, color="black", ls="--", lw=1.5)  # 虚线左边：我们这个批次用到的位置
    ax.set(xlabel=f"position p  (dashed: end of our {S} positions)", title=name)
ax_sin.set_ylabel("frequency i  (fast at the top)")
ax_cos.tick_params(labelleft=False)
fig.colorbar(im, ax=[ax_sin, ax_cos], label="value", shrink=0.85)
norms = scaled[0].norm(dim=-1).detach()
ax2.bar([p - 0.2 for p in range(S)], norms, width=0.4, label="token embedding × √D")
ax2.bar([p + 0.2 for p in range(S)], positions.norm(dim=-1), width=0.4, label="position vector")
ax2.set_xticks(range(S), src_pieces[0], rotation=45, ha="right")
ax2.set_ylim(0, 1.3 * norms.max().item())
ax2.set(ylabel="vector length", title="Sentence 0: token vs position, same order")
ax2.legend(loc="upper center", ncol=2, fontsize=11)
print("已保存", plots.save_figure(fig, FIGURES / "05_positions.png", dpi=100))

# %% [markdown]
# ## 3. 编码器
#
# 先讲三个概念，每个一段。
#
# **层归一化**（layer normalization，LayerNorm）把每个位置上的 D 个数重新缩放到均值 0、
# 标准差 1，再乘以一个可学习的增益、加上一个可学习的偏置（各 D 个）。每个向量单独归一化——
# 不跨批次——所以填充和批次大小都改变不了真实词元的数值。它让信号的尺度在层与层之间保持稳定，
# 训练也就更稳定。
#
# **前置归一化与后置归一化**（pre-norm vs post-norm）。原论文（Vaswani 等，2017）在加上残差
# *之后*才归一化：`x = LayerNorm(x + Sublayer(x))`（后置归一化）。minimt 和此后的大多数模型
# 一样，在*之前*归一化：`x = x + Sublayer(LayerNorm(x))`（前置归一化）。这样从输入到输出的
# 残差通路就是一条不经过任何 LayerNorm 的纯加法，梯度能毫无衰减地传到最前面几层，训练对预热
# （warmup）的要求也没那么苛刻；代价是整个层堆叠的末尾要多一个 LayerNorm。
#
# **暂退法**（dropout，只在训练时生效）随机把 10% 的数（`dropout=0.1`）置为 0，其余的乘以
# 1/0.9，这样期望值不变。模型没法依赖任何单个数，过拟合（overfitting）也就更少。
# `model.eval()` 把它关掉——这就是为什么本课要比较数字，所以调用了 `eval()`；
# `model.train()` 再把它打开（第 07 课）。
#
# 每个编码器层做两件事，每件事都用同样的方式包起来——前置归一化：先归一化，再变换，再加回去
# （这就是“残差连接”，residual connection），所以信号永远有一条干净的通路穿过去：
#
#     x = x + SelfAttention(LayerNorm(x), mask = padding (B,1,1,S))
#     x = x + FeedForward(LayerNorm(x))        # Linear D→4D、ReLU、Linear 4D→D，逐位置进行
#
# 其中 SelfAttention 是自注意力（self-attention），FeedForward 是前馈网络（feed-forward network）。
# 最后一层之后再做一次 LayerNorm，得到解码器要读的 **memory**（编码器的输出）。

# %%
enc_mask = padding_mask(batch.attention_mask)                 # (B,1,1,S)
show("encoder mask = padding_mask", enc_mask, "True = 可以关注")
for i, layer in enumerate(model.encoder_layers):
    h, w = layer.self_attn(layer.norm1(x), None, enc_mask, need_weights=True)
    if i == 0:
        show("  self_attn(norm1(x))", h, "(B,S,D)")
        show("  its weights", w, "(B,H,S,S)，注意力权重")
    x = x + h
    hidden = torch.relu(layer.ffn.up(layer.norm2(x)))
    if i == 0:
        show("  ffn hidden", hidden, f"(B,S,d_ff={config.d_ff})，前馈网络的隐藏层")
    x = x + layer.ffn.down(hidden)
    show(f"编码器第 {i} 层之后", x)
memory = model.encoder_norm(x)
show("memory = encoder_norm(x)", memory, "(B,S,D)")
norm = model.encoder_norm  # 把 LayerNorm 写出来：逐位置，均值 0、标准差 1，再乘增益、加偏置
by_hand_norm = (x - x.mean(-1, keepdim=True)) / (x.var(-1, unbiased=False, keepdim=True) + norm.eps).sqrt()
print(f"手写的 LayerNorm vs nn.LayerNorm：{max_diff(by_hand_norm * norm.weight + norm.bias, memory):.1e}")
assert max_diff(by_hand_norm * norm.weight + norm.bias, memory) < 1e-4
encoded = model.encode(batch.input_ids, batch.attention_mask)
print(f"手算 vs model.encode()：{max_diff(memory, encoded):.1e}（只差浮点舍入）")
assert max_diff(memory, encoded) < 1e-4

# %% [markdown]
# ## 4. 解码器
#
# 解码器的层在中间多了一步：**交叉注意力**，它的查询是法文位置（T），键和值是英文的 memory（S）——
# 这是两种语言唯一相遇的地方。它的掩码是*源句*的填充掩码 (B,1,1,S)。
# 解码器的自注意力用的是第 04 课的“因果 ∧ 填充”掩码 (B,1,T,T)。

# %%
y = model.embedding(batch.decoder_input_ids) * math.sqrt(D) + model.positions[:T]  # (B,T,D)
self_mask = decoder_self_mask(batch.decoder_attention_mask)  # (B,1,T,T)
cross_mask = padding_mask(batch.attention_mask)              # (B,1,1,S)
show("y = embed(decoder_input_ids)…", y)
show("decoder self mask", self_mask, "因果 ∧ 填充")
show("cross mask", cross_mask, "源句的填充")
for i, layer in enumerate(model.decoder_layers):
    h, _ = layer.self_attn(layer.norm1(y), None, self_mask)
    y = y + h
    h, w = layer.cross_attn(layer.norm2(y), memory, cross_mask, need_weights=True)
    if i == 0:
        show("  cross_attn(norm2(y), memory)", h, "(B,T,D)")
        show("  its weights", w, "(B,H,T,S) — 不是方阵")
    y = y + h
    y = y + layer.ffn(layer.norm3(y))
    show(f"解码器第 {i} 层之后", y)

# %% [markdown]
# ## 5. logits：每个位置上，词表里每个片段一个分数
#
# 输出层又是那张嵌入表，只是转置了：片段 j 的分数，就是最终向量与片段 j 的嵌入的点积。
# 得到的 logits 是未归一化的分数，softmax 之后才是概率。一张表同时服务于编码器输入、解码器输入
# 和输出——之所以可行，是因为我们的分词器只有一个英文+法文的联合词表——而且省下了 V×D 个参数。

# %%
logits = model.decoder_norm(y) @ model.embedding.weight.T  # (B,T,D) @ (D,V) → (B,T,V)
show("logits", logits, f"(B,T,V)，V = {V}")
full = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
print(f"手算 vs model(...)：{max_diff(logits, full):.1e}（只差浮点舍入：0 或 ~1e-6，取决于机器和线程数）")
assert max_diff(logits, full) < 1e-4
guess = logits[0].argmax(-1)
print("每个位置上的输入：      ", tgt_pieces[0])
print("未训练模型在那里的首选：", [tok.id_to_piece(i) for i in guess.tolist()])
assert guess.tolist() == batch.decoder_input_ids[0].tolist()
print(f"正确的下一个片段 '{tok.id_to_piece(int(batch.labels[0, 0]))}' 的概率："
      f"{logits.softmax(-1)[0, 0, batch.labels[0, 0]]:.6f}（均匀分布的话是 1/V = {1 / V:.6f}）")
assert logits.softmax(-1)[0, 0, batch.labels[0, 0]] < 1 / V  # “回声”：低于均匀分布

# %% [markdown]
# 未训练的模型会**重复它的输入**：在每个位置上，它的首选就是喂给它的那个片段。这不是哪里出了错——
# 残差连接把输入的嵌入一路带到最上层，而共享的输出层给一个向量打分时，和它自己在表里的那一行
# 得分最高。所以正确的下一个片段得到的概率*低于*均匀分布的 1/V（上面打印并检查了），第一个损失
# 也高于 ln V，即均匀瞎猜时的损失（第 06 课会测它）；训练几步之内就能打破这个“回声”。

# %% [markdown]
# `return_attention=True` 会交回每一层的每一张注意力图——第 09 课画的就是训练好的模型的这些图
# （标题与英文版相同：Cross-attention before training = 训练前的交叉注意力，
# French queries × English keys = 法文查询 × 英文键）：

# %%
_, attn = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask,
                return_attention=True)
for name, ws in attn.items():
    print(f"{name:13} {len(ws)} 层 × {tuple(ws[0].shape)}")
n, m = int(batch.attention_mask[0].sum()), int(batch.decoder_attention_mask[0].sum())
print(plots.plot_attention_grid([w[0, :, :m, :n] for w in attn["cross"]], query_pieces=tgt_pieces[0][:m],
                                key_pieces=src_pieces[0][:n], path=FIGURES / "05_cross_attention_untrained.png",
                                title="Cross-attention before training: French queries × English keys"))

# %% [markdown]
# ## 6. 两个证明：掩码放对了地方
#
# **填充不变性。** 文章里的句对单独成批（完全没有填充）时，必须和放在我们的填充批次里时给出同样的
# logits。**因果性。** 从位置 t 开始改动法文输入，t 之前的 logits 必须纹丝不动。
# `tests/test_model.py` 在随机批次上检查这两点，还检查源句填充上的交叉注意力为零，以及逐步解码。

# %%
one = make_batch([tok.encode(pairs[0][0])], [tok.encode(pairs[0][1])], **special)
alone = model(one.input_ids, one.attention_mask, one.decoder_input_ids, one.decoder_attention_mask)
print(f"第 0 句单独运行 vs 在填充批次里：{max_diff(alone[0], full[0, :alone.shape[1]]):.1e}")
assert max_diff(alone[0], full[0, :alone.shape[1]]) < 1e-4
t = 2
changed = batch.decoder_input_ids.clone()
changed[:, t:] = torch.randint(4, V, changed[:, t:].shape)
after = model(batch.input_ids, batch.attention_mask, changed, batch.decoder_attention_mask)
print(f"t={t} 之前的 logits 变化了 {max_diff(after[:, :t], full[:, :t]):.1e}；"
      f"从 t 开始变化了 {max_diff(after[:, t:], full[:, t:]):.2f}")
assert torch.allclose(after[:, :t], full[:, :t], atol=1e-5)

# %% [markdown]
# ## 动手试试
#
# - 去掉第 2 节里的 `* math.sqrt(D)`：现在词元信号和位置信号相比有多大？第一层看到的主要会是什么？
# - 在第 4 节把交叉掩码换成 `None`。第 0 句的“单独 vs 在批次里”检查还成立吗？
#   为什么第 1 句不受影响？
# - 数一数使用独立输出层的模型有多少参数：多了多少？
#
# 下一课：第 06 课把这些 logits 和带 -100 的标签变成一个数字——损失（loss）。

# %% [markdown]
# ## 练习
#
# 没有专门针对本课的练习：它组装的是你在第 03 课的练习（2–4：批次）和第 04 课的练习
# （5–8：掩码和 `attention`）里写的零件，而它输出的 logits 是第 06 课练习（9、17、20）的输入——
# `minimt exercises start 9`。
