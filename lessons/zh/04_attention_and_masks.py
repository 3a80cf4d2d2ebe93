# translates: 04_attention_and_masks.py sha256:5c13552c0f0b
# %% [markdown]
# # 第 04 课 — 注意力和它的三种掩码
#
# 第 03 课以注意力掩码（attention_mask）收尾：1 = 真实词元，0 = 填充。本课讲它到底用在哪里。
# 注意力（attention）让句子的每个位置都能去看其他位置，并把看到的内容混合进来。
# 三种掩码（mask）决定它*可以*看哪些位置：
#
#     填充掩码   (B,1,1,S)  永远不看填充                 （编码器自注意力、交叉注意力）
#     因果掩码   (1,1,T,T)  永远不看未来                 （解码器自注意力）
#     解码器掩码 (B,1,T,T)  两者同时：因果 ∧ 填充         （解码器自注意力）
#
# 也就是填充掩码（padding mask）、因果掩码（causal mask），以及两者合在一起的解码器掩码。
# 形状里：B 是批次中的句子数，T 是查询位置数，S 是键的位置数——还有 H 个**注意力头**（head）。
# 多头注意力（multi-head attention）并排运行 H 个小注意力，每个只处理每个向量的一段切片，
# 这样就能同时寻找 H 种不同的东西；第 5 节会把它搭出来。在那之前，把 H 当作又一个批次维度就好：
# 上面每个掩码在这一维上都是 1，对所有注意力头都一样。
#
# 在 minimt 里，每个布尔掩码都表示 **True = 可以关注**——和 PyTorch 的
# `F.scaled_dot_product_attention` 一样。而 PyTorch 的 `nn.MultiheadAttention` 表示的意思
# **正好相反**（True = 忽略）。本课会把我们的代码和这两者逐一对照，误差在 1e-5 以内。
# 代码在 `minimt/attention.py` 里（约 200 行）——可以对照着读。
#
# 可以当脚本运行（`python lessons/zh/04_attention_and_masks.py`），也可以当 notebook 打开。
# `MINIMT_FAST=1` 让它跑得更快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **前置知识：** 第 03 课 — 填充好的批次和它的 `attention_mask`。
# - **下一课：** 第 05 课 — 编码器–解码器：注意力层组成一个翻译模型。

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # 普通脚本：画到文件里；notebook 保留它自己的后端
import torch
import torch.nn.functional as F
from torch import nn

from minimt import plots
from minimt.attention import (MultiHeadAttention, attention, causal_mask, decoder_self_mask,
                              padding_mask, to_key_padding_mask)
from minimt.batch import make_batch
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟着它走（英文版 lessons/ 里是 "en"）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
_ = torch.manual_seed(0)  # `_ =`：不让返回的 Generator 的 repr 出现在输出里
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)


def max_diff(a, b):
    return (a - b).abs().max().item()


# %% [markdown]
# ## 1. 把注意力一步步写出来
#
# 每个位置都有一个**查询**（query）q（“我在找什么？”）、一个**键**（key）k（“我这里有什么？”）
# 和一个**值**（value）v（“我交出去的东西”）。查询 t 用点积给每个键 s 打分，分数经过
# **沿键方向**的 softmax 变成权重，输出就是各个值的加权平均：
#
#     scores  = q @ kᵀ / √d        (T, S)
#     weights = softmax(scores)    (T, S)，每一行加起来等于 1
#     out     = weights @ v        (T, d)
#
# 为什么要除以 √d？两个 d 维随机向量（每个分量方差为 1）的点积，方差是 d。分数太大时，
# softmax 会把全部权重压到一个键上，梯度随之消失；除以 √d 让方差回到 1。

# %%
T, S, d = 3, 4, 64
many_q, many_k = torch.randn(500, d), torch.randn(500, d)  # 250,000 个点积：估计得很准
print(f"{500 * 500:,} 对随机向量的 q·k 的标准差：{(many_q @ many_k.T).std():.2f}（≈ √{d} = {math.sqrt(d):.0f}）；"
      f"  除以 √d 之后：{(many_q @ many_k.T / math.sqrt(d)).std():.3f}")
q, k, v = torch.randn(T, d), torch.randn(S, d), torch.randn(S, d)
scores = q @ k.T / math.sqrt(d)        # (T, S)
weights = scores.softmax(dim=-1)       # (T, S)：沿键的方向做 softmax
out = weights @ v                      # (T, d)
print("权重（行 = 查询，列 = 键）：\n", weights.numpy().round(3))
print("每一行的和是", [round(x, 6) for x in weights.sum(-1).tolist()])
ours, _ = attention(q[None, None], k[None, None], v[None, None])  # (B=1, H=1, T, d)
ref = F.scaled_dot_product_attention(q[None, None], k[None, None], v[None, None])
print(f"手算 vs attention()：{max_diff(out, ours[0, 0]):.1e}；  "
      f"attention() vs F.scaled_dot_product_attention：{max_diff(ours, ref):.1e}")
assert max_diff(ours, ref) < 1e-5

# %% [markdown]
# ## 2. 填充掩码：永远不关注填充
#
# 一个由三个长度不同的句子组成的批次，在右边做了填充（第 03 课）。填充只是凑数的，
# 所以任何查询都不能从被填充的**键**那里拿东西。我们把填充列里的每个分数都换成最小的浮点数
# （`torch.finfo(dtype).min`，实际上就是 −∞）：softmax 之后，这些权重恰好为 0。
#
# `padding_mask` 把 (B,S) 的 `attention_mask` 变形成 (B,1,1,S)：两个 1 让同一行“真实/填充”
# 标志可以广播到每个注意力头（H）和每个查询（T）上。
#
# 为什么遮住的是键而不是查询？处在填充位置上的查询照样会算出一个向量——但没有人用它：
# 损失忽略了它的标签（-100），也没有真实的查询去读它。如果把填充的*行*也遮住，这些行就一个键都
# 没有了：对空集合做 softmax，结果就是 NaN。

# %%
sentences = [("How are you?", "Comment ça va ?"),
             ("I don't know what you're talking about.", "Je ne sais pas de quoi tu parles."),
             ("Go!", "Va !")]
batch = make_batch([tok.encode(en) for en, _ in sentences], [tok.encode(fr) for _, fr in sentences], **special)
src_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.input_ids.tolist()]
tgt_pieces = [[tok.id_to_piece(i) for i in row] for row in batch.decoder_input_ids.tolist()]
B, S = batch.input_ids.shape
T = batch.decoder_input_ids.shape[1]
H, D = 4, 32  # 4 个注意力头，每个 8 维
print("attention_mask (B,S)：\n", batch.attention_mask)
pad = padding_mask(batch.attention_mask)
print("padding_mask：", tuple(pad.shape), pad.dtype, "→ 广播成 (B,H,S,S) =", (B, H, S, S))

q, k, v = torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H)
out, weights = attention(q, k, v, pad)  # 编码器自注意力：查询和键都来自源句
print("weights", tuple(weights.shape), "— 第 2 句（'Go!'）的第 0 行：", weights[2, 0, 0].numpy().round(3))
assert (weights[2, :, :, 3:] == 0).all()  # 'Go!' 有 3 个真实词元（▁Go ! </s>）：其余位置恰好得到 0
ref = F.scaled_dot_product_attention(q, k, v, attn_mask=pad)  # 同一个掩码：True = 可以关注
print(f"attention() vs F.scaled_dot_product_attention（同一个布尔掩码）：{max_diff(out, ref):.1e}")
assert max_diff(out, ref) < 1e-5

# %% [markdown]
# 下面这张图画的是几种掩码：(B,1,1,S) 的填充掩码；它广播到 (B,H,T,S) 之后的样子——解码器的
# T 个法文位置作查询，S 个英文位置作键——这就是第 4 节的**交叉注意力掩码**，图上也这样标注；
# 它对每个注意力头、每个查询都一样，所以四个头里只画两个——然后是因果掩码和解码器的组合掩码
# （第 3 节）。为了在投影幻灯片上也看得清，图里只放批次中那两个短句，单独组成一个批次。

# %%
small = make_batch([tok.encode(sentences[i][0]) for i in (0, 2)], [tok.encode(sentences[i][1]) for i in (0, 2)],
                   **special)
print("画图用的批次：input_ids", tuple(small.input_ids.shape), "decoder_input_ids", tuple(small.decoder_input_ids.shape))
print(plots.plot_broadcast_masks(small.attention_mask, small.decoder_attention_mask, n_heads=H, max_heads_shown=2,
                                 src_pieces=[[tok.id_to_piece(i) for i in r] for r in small.input_ids.tolist()],
                                 tgt_pieces=[[tok.id_to_piece(i) for i in r] for r in small.decoder_input_ids.tolist()],
                                 path=FIGURES / "04_masks.png"))

# %% [markdown]
# ## 3. 因果掩码：永远不关注未来
#
# 训练时，解码器一次读入整个法文句子（教师强制，第 03 课）。如果位置 t 能看到位置 t+1，
# 它直接照抄要预测的那个词元就行了。因果掩码让查询 t 只能看到键 0..t——下三角，
# **包括对角线**（一个位置能看到喂给它的那个词元，只是看不到下一个）：

# %%
print(causal_mask(T).int()[0, 0])
dec_mask = decoder_self_mask(batch.decoder_attention_mask)  # 因果 ∧ 填充：(B,1,T,T)
print("decoder_self_mask：", tuple(dec_mask.shape), "— 第 0 句：\n", dec_mask[0, 0].int())

# %% [markdown]
# 证明没有信息泄漏：把位置 t 及其之后的*未来*输入全部换掉，t 之前的输出一点都不会变。

# %%
q, k, v = torch.randn(B, H, T, D // H), torch.randn(B, H, T, D // H), torch.randn(B, H, T, D // H)
out, w_dec = attention(q, k, v, dec_mask)
t = 3
k2, v2 = k.clone(), v.clone()
k2[:, :, t:], v2[:, :, t:] = torch.randn_like(k2[:, :, t:]), torch.randn_like(v2[:, :, t:])
out2, _ = attention(q, k2, v2, dec_mask)
print(f"t={t} 之前的输出变化了 {max_diff(out[:, :, :t], out2[:, :, :t]):.1e}；"
      f"从 t 开始变化了 {max_diff(out[:, :, t:], out2[:, :, t:]):.2f}")
assert torch.equal(out[:, :, :t], out2[:, :, :t])
print(f"vs F.scaled_dot_product_attention：{max_diff(out, F.scaled_dot_product_attention(q, k, v, attn_mask=dec_mask)):.1e}")

# %% [markdown]
# ## 4. 交叉注意力：解码器看向源句
#
# 在交叉注意力（cross-attention）里，查询来自解码器（T 个法文位置），键和值来自编码器的输出
# （S 个英文位置）：权重的形状是 (B,H,T,S)，不是方阵。掩码还是**源句**的填充掩码——忘了它，
# 解码器就会去读英文的填充。在这个批次里 T ≠ S，所以把两者弄混会直接报错。

# %%
q = torch.randn(B, H, T, D // H)                                  # 来自解码器
k, v = torch.randn(B, H, S, D // H), torch.randn(B, H, S, D // H)  # 来自编码器
out, w_cross = attention(q, k, v, pad)
print(f"T={T}，S={S}：交叉注意力权重 {tuple(w_cross.shape)}；落在源句填充上的权重："
      f"{w_cross.masked_select(~pad.expand_as(w_cross)).abs().max():.1f}")

# %% [markdown]
# ## 5. PyTorch 的 nn.MultiheadAttention：相反的约定
#
# `MultiHeadAttention` 加上了需要学习的部分：把 x 投影成查询、键和值（一个合并的 (3D, D) 矩阵，
# 排布和 PyTorch 的 `in_proj_weight` 一样），把 D 切成 H 个注意力头，做注意力，把各个头重新
# 并排拼回去，再做输出投影。把 PyTorch 的权重复制进来，它就必须给出和 PyTorch 一样的数字——
# **前提是**交给 PyTorch 的掩码要翻转过来：它的 `key_padding_mask` 和布尔型 `attn_mask`
# 表示的是 **True = 忽略**。

# %%
torch_mha = nn.MultiheadAttention(D, H, batch_first=True).eval()  # 永远用 batch_first=True
ours = MultiHeadAttention.from_torch(torch_mha).eval()
x = torch.randn(B, S, D)  # (B,S,D) 编码器状态
kpm = to_key_padding_mask(batch.attention_mask)  # (B,S) True = 填充 = 忽略（PyTorch 的约定）
print("attention_mask   ", batch.attention_mask[2].tolist(), "\nkey_padding_mask ", kpm[2].int().tolist())
want, want_w = torch_mha(x, x, x, key_padding_mask=kpm, average_attn_weights=False)
got, got_w = ours(x, x, pad, need_weights=True)
print(f"自注意力 vs nn.MultiheadAttention：输出 {max_diff(got, want):.1e}，权重 {max_diff(got_w, want_w):.1e}")
assert max_diff(got, want) < 1e-5 and max_diff(got_w, want_w) < 1e-5

y = torch.randn(B, T, D)  # (B,T,D) 解码器状态
want, _ = torch_mha(y, y, y, attn_mask=~causal_mask(T)[0, 0],  # attn_mask：同样是 True = 忽略
                    key_padding_mask=to_key_padding_mask(batch.decoder_attention_mask))
got, _ = ours(y, y, dec_mask)
print(f"解码器自注意力 vs nn.MultiheadAttention：{max_diff(got, want):.1e}")
want, _ = torch_mha(y, x, x, key_padding_mask=kpm)
got, _ = ours(y, x, pad)
print(f"交叉注意力 vs nn.MultiheadAttention：{max_diff(got, want):.1e}")
wrong, _ = torch_mha(y, x, x, key_padding_mask=batch.attention_mask.bool())  # 极性弄反了
print(f"……把我们的掩码不加翻转直接传进去（经典 bug）：第 0 句偏差 {max_diff(wrong[0], want[0]):.2f}，"
      f"第 1 句（没有填充，所以现在所有的键都被忽略）得到 NaN：{wrong[1].isnan().all().item()}")

# %% [markdown]
# 你在这里读到的模型，运行的永远是这个一步步写出来的 `attention()`。训练不需要注意力权重，
# 所以 `minimt train` 会在测得更快的地方，把每个 `MultiHeadAttention` 换成 PyTorch 融合好的
# `F.scaled_dot_product_attention`（`minimt.runtime.fast`）——同样的布尔掩码，同样的约定
# （True = 可以关注）。两者结果一致：

# %%
from minimt.runtime.fast import sdpa_attention

q = k = v = torch.randn(B, 2, x.size(1), 8)
fused, _ = sdpa_attention(q, k, v, pad)
written_out, _ = attention(q, k, v, pad)
print(f"融合内核 vs 写出来的 attention()：{max_diff(fused, written_out):.1e}")

# %% [markdown]
# ## 6. 当一行一个键都没有时
#
# 如果某个查询行的键*全部*被遮住（比如一个全是填充的源句），它就没有任何东西可关注。
# 对全是 −∞ 的分数做 softmax 是 0/0 = NaN——而批次里只要有一个 NaN，它就会扩散到每一个梯度里。
# minimt 的规则：这样的行得到权重 0、输出 0，前向和反向都是有限值。它还只施加**一次**掩码，
# 用的是该数据类型自己的最小值：把两个 `finfo.min` 的掩码相加会溢出成 −∞（bfloat16 的数值范围很小）。

# %%
q, k, v = (torch.randn(1, 1, 2, 8, requires_grad=True) for _ in range(3))
empty = torch.tensor([[True, True], [False, False]])  # 查询 1 什么也不能关注
naive = (q @ k.transpose(-2, -1) / math.sqrt(8)).masked_fill(~empty, float("-inf")).softmax(-1)  # 同第 1 节
rounded = lambda w: [[round(x, 3) for x in row] for row in w.tolist()]  # noqa: E731  （保留 3 位小数，去掉浮点噪声）
print("用 -inf 的朴素 softmax：", rounded(naive[0, 0].detach()))
out, w = attention(q, k, v, empty)
out.sum().backward()
print("attention()：           ", rounded(w[0, 0].detach()),
      "— 梯度都是有限值：", all(torch.isfinite(t.grad).all().item() for t in (q, k, v)))
out16, w16 = attention(*(t.detach().bfloat16() for t in (q, k, v)), empty)
print("bfloat16：              ", rounded(w16[0, 0].float()), "— 没有 NaN：", not w16.isnan().any().item())

# %% [markdown]
# ## 7. 注意力权重，用真实的子词片段标注
#
# 未训练的层，权重还没有任何意义——但掩码已经看得出来：填充列是空的，解码器的图是一个三角形。
# 第 09 课会画出训练好的模型的注意力图。（图的标题写在本课代码里，与英文版相同：
# Encoder self-attention = 编码器自注意力，untrained = 未训练，padded keys get 0 = 填充的键得到 0；
# Decoder self-attention (mean of heads) = 解码器自注意力（各头平均），the causal triangle = 因果三角。）

# %%
n = int(batch.attention_mask[0].sum())  # 文章里的那个句子，不含填充
m = int(batch.decoder_attention_mask[0].sum())
_, w_enc = ours(x, x, pad, need_weights=True)
shown = n + 3  # 真实的键，再加几个填充的键
print(plots.plot_attention_grid([w_enc[0, :, :n, :shown]], query_pieces=src_pieces[0][:n], key_pieces=src_pieces[0][:shown],
                                title="Encoder self-attention, untrained: padded keys get 0",
                                path=FIGURES / "04_encoder_attention.png"))
_, w_self = ours(y, y, dec_mask, need_weights=True)
print(plots.plot_attention(w_self[0].mean(0)[:m, :m], query_pieces=tgt_pieces[0][:m], key_pieces=tgt_pieces[0][:m],
                           title="Decoder self-attention (mean of heads): the causal triangle",
                           mask=dec_mask[0, 0, :m, :m], path=FIGURES / "04_decoder_attention.png"))  # 阴影线 = 被遮住

# %% [markdown]
# ## 动手试试
#
# - 在 `attention()` 里，把 softmax 改成沿 `dim=-2` 而不是 `dim=-1`。上面哪个检查最先失败？
#   现在每一行加起来等于多少？
# - 用 `triu` 代替 `tril` 来造因果掩码。位置 0 能看到什么？
# - 把 `batch.attention_mask`（整数 1/0）直接传给 `attention()`。为什么 minimt 抛出
#   TypeError，而不是直接拿来用？
# - `tests/test_attention.py` 在随机掩码上证明了以上全部内容；运行它：
#   `python -m pytest tests/test_attention.py -q`。
#
# - 在浏览器里打开 `minimt explore --batch 4`，指向解码器自注意力掩码里被遮住的格子：
#   哪些写着“causal”（因果），哪些写着“padding”（填充）？
#
# 下一课：第 05 课把这些层放进编码器–解码器，并跟着一个批次走完全程。

# %% [markdown]
# ## 练习
#
# 练习本课：先运行 `minimt exercises start N`，再运行 `minimt exercises check N`。
#
# - **5** — `padding_mask`: 由 attention_mask 得到填充掩码 (B,1,1,S)，True = 可以关注
# - **6** — `causal_mask`: 因果掩码 (1,1,T,T)，包括对角线在内的下三角
# - **7** — `decoder_self_mask`: 解码器的掩码，因果 且 填充 (B,1,T,T)
# - **8** — `attention`: 带布尔掩码的缩放点积注意力（以及一个没有键的行）
# - **15** — `torch_masks`: 修好交给 nn.Transformer 的掩码（那里 True = 忽略）
# - **16** — `decoder_self_mask`: 修好偷看下一个词元的解码器
