# translates: 06_loss_and_backprop.py sha256:1ccbb2564471
# %% [markdown]
# # 第 06 课 — 损失、-100，以及学习的一步
#
# 第 05 课最后得到了 logits（未归一化的分数）：法语每一行的每个位置，对词表（vocabulary）里的
# 每个子词片段（piece）各有一个分数，形状为 (B, T, V)。第 03 课构造了标签（labels），形状为
# (B, T)：下一个应当出现的子词片段；只是填充（padding）的位置则是 **-100**。本课把这两者变成
# 一个数——**损失**（loss），再沿着它反向追踪：
#
# 1. 一个批次（batch）、一个未训练的模型，以及它的 logits；
# 2. 手算一个位置的损失：softmax、正确子词片段的概率、取 -log；
# 3. 对真实词元（token）求平均——`ignore_index=-100` 做了什么，再手算出同一个数；
# 4. 为什么调用 `F.cross_entropy` 之前要展平成 (B*T, V)；
# 5. 一张图：每个标签词元的损失，-100 的位置画成灰色；
# 6. `backward()`：每个 logit 的梯度（gradient）——在 -100 的位置恰好为零；
# 7. 优化器（optimizer）走一步：同一个批次上的损失下降了；
# 8. 标签平滑（label smoothing），以及会得到 NaN 的全填充批次。
#
# `MINIMT_FAST=1` 让它运行得很快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **基于：** 第 05 课——logits (B,T,V)——以及第 03 课带 -100 的标签。
# - **下一课：** 第 07 课——训练循环：把这一步重复成百上千次。

# %%
import math
import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import torch
import torch.nn.functional as F

from minimt import plots
from minimt.plots.logit_gradients import plot_logit_gradients
from minimt.batch import IGNORE_INDEX, make_batch
from minimt.loss import cross_entropy_by_hand, cross_entropy_loss, per_token_loss
from minimt.model import ModelConfig, Transformer
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟随它（英文版 lessons/：“en”）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
torch.manual_seed(0)
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)

# %% [markdown]
# ## 1. 一个批次、一个模型、它的 logits
#
# 三个长度不同的句对，所以有两行法语需要填充。一个未训练的小模型：它的猜测分散在全部 V 个
# 子词片段上，这让最初的几个数很容易核对。

# %%
pairs = [("How are you?", "Comment ça va ?"),
         ("Thank you very much.", "Merci beaucoup."),
         ("Where is the station, please?", "Où est la gare, s'il vous plaît ?")]
batch = make_batch([tok.encode(en) for en, _ in pairs], [tok.encode(fr) for _, fr in pairs], **special)
model = Transformer(ModelConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=2, n_encoder_layers=1,
                                n_decoder_layers=1, d_ff=128, dropout=0.0))
logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
               batch.decoder_attention_mask)                       # (B, T, V)
B, T, V = logits.shape
print(f"logits {tuple(logits.shape)} = (B 个句子, T 个法语位置, V 个子词片段)")
print("标签（labels）\n", batch.labels)
label_pieces = [["-100" if i == IGNORE_INDEX else tok.id_to_piece(i) for i in row] for row in batch.labels.tolist()]
for row in label_pieces:
    print("  ", row)

# %% [markdown]
# ## 2. 手算一个位置的损失
#
# 在位置 t，模型的猜测是词表上的一个概率分布：`softmax(logits[b, t])`。这个位置的损失是
# `-log p(正确的子词片段)`：模型有把握且猜对时为 0；给正确子词片段的概率很小时则很大。
# 给每个子词片段都是 1/V 的模型，损失为 `ln V`；我们这个未训练的模型比它还差一点
# （随机的 logits 在一些地方“自信地猜错”），下面的断言会检查这一点：

# %%
b, t = 0, 0
probs = torch.softmax(logits[b, t], dim=-1)                      # (V,) sums to 1
right = batch.labels[b, t].item()
print(f"位置 (b={b}, t={t})：正确的子词片段是 {tok.id_to_piece(right)!r}（ID {right}）")
print(f"  p(正确) = {probs[right].item():.6f}   （均匀分布时为 1/V = {1 / V:.6f}）")
print(f"  损失 = -log p = {-math.log(probs[right].item()):.4f}   （ln V = {math.log(V):.4f}）")
assert -math.log(probs[right].item()) > math.log(V)  # worse than uniform, as the text says

# %% [markdown]
# ## 3. 对真实词元求平均——`ignore_index=-100` 做了什么
#
# 先算每个位置的损失，再对标签**不是** -100 的位置求平均：
#
#     loss = Σ_真实位置 -log p(label)  /  真实标签的个数
#
# `-100` 不是一个 ID（词表里没有第 -100 行）；它是 PyTorch 表示“跳过我”的记号。被跳过的位置
# 既不计入分子，*也*不计入分母——把批次填充得更长，结果不变。
# （平均是按词元而不是按句子：长句的权重更大。fairseq、Marian 和 Hugging Face 都这样选择；
# 先按句子平均则会让短句的权重更大。）

# %%
log_probs = torch.log_softmax(logits, dim=-1)                    # (B, T, V)
real = batch.labels != IGNORE_INDEX                              # (B, T) bool
total, count = 0.0, 0
print(f"{'b':>2} {'t':>2} {'label':>12} {'-log p':>8}")
for bb in range(B):
    for tt in range(T):
        y = batch.labels[bb, tt].item()
        if y == IGNORE_INDEX:
            print(f"{bb:>2} {tt:>2} {'-100':>12} {'忽略':>8}")
            continue
        nll = -log_probs[bb, tt, y].item()
        total, count = total + nll, count + 1
        print(f"{bb:>2} {tt:>2} {tok.id_to_piece(y):>12} {nll:8.4f}")
by_loop = total / count
builtin = F.cross_entropy(logits.reshape(-1, V), batch.labels.reshape(-1), ignore_index=-100)
print(f"\n对真实词元循环求和：{total:.4f} / {count} = {by_loop:.6f}")
print(f"cross_entropy_by_hand: {cross_entropy_by_hand(logits, batch.labels).item():.6f}")
print(f"F.cross_entropy     : {builtin.item():.6f}")
print(f"cross_entropy_loss  : {cross_entropy_loss(logits, batch.labels).item():.6f}")
assert abs(by_loop - builtin.item()) < 1e-5
assert abs(cross_entropy_by_hand(logits, batch.labels).item() - builtin.item()) < 1e-6

# %% [markdown]
# 如果 -100 *没有*被忽略会怎样？假设我们用填充 ID 0 而不是 -100 来填充标签：模型会被训练成
# 在每个句子结束后预测 `<pad>`，平均值也会把这些很容易学的位置算进去。数值变了：

# %%
with_pad = batch.labels.masked_fill(~real, tok.pad_id)
wrong = F.cross_entropy(logits.reshape(-1, V), with_pad.reshape(-1))
print(f"标签用 <pad>（ID 0）填充、什么都不忽略：{wrong.item():.4f}  对比  {builtin.item():.4f}")
more_padding = torch.cat([batch.labels, torch.full((B, 5), IGNORE_INDEX)], dim=1)
more_logits = torch.cat([logits, torch.randn(B, 5, V) * 10], dim=1)  # garbage where padded
print(f"再加 5 列 -100（那里的 logits 是垃圾）：{cross_entropy_loss(more_logits, more_padding).item():.6f}")
assert abs(cross_entropy_loss(more_logits, more_padding).item() - builtin.item()) < 1e-5

# %% [markdown]
# ## 4. 为什么要展平成 (B*T, V)？
#
# `F.cross_entropy` 要求类别在第 1 维：`(N, C)` 或 `(B, C, T)`。我们的 logits 是 `(B, T, V)`。
# 原样传进去，PyTorch 会把 T 当作类别维、把 V 当作长度；通常这会报形状错误……但当 T == V 时，
# 它会悄悄地算出别的东西。`minimt.loss` 显式地展平——`(B*T, V)` 和 `(B*T,)`——这样哪一维是类别
# 就毫无疑问。（`tests/test_loss.py` 检查了 T == V 的情况。）

# %%
print("展平后：", tuple(logits.reshape(-1, V).shape), tuple(batch.labels.reshape(-1).shape))
try:
    F.cross_entropy(logits, batch.labels, ignore_index=-100)
except (RuntimeError, ValueError) as e:
    print("未展平 (B, T, V)：", str(e).splitlines()[0][:90])
same = F.cross_entropy(logits.transpose(1, 2), batch.labels, ignore_index=-100)  # (B, V, T) also right
print(f"(B, V, T) 形式：{same.item():.6f}——结果相同，但很容易写错")

# %% [markdown]
# ## 5. 一张图：每个标签词元的损失
#
# 红色越深 = 损失越大（模型给这个子词片段的概率很小）。灰色斜线 = -100：没有损失，没有梯度，
# 不计数。

# %%
tok_loss = per_token_loss(logits, batch.labels).detach()         # (B, T), 0 at -100
print(plots.plot_token_loss(tok_loss, batch.labels, pieces=tok.id_to_piece,
                            path=FIGURES / "06_token_loss.png"))

# %% [markdown]
# ## 6. 反向传播：哪些 logits 得到了梯度？
#
# `loss.backward()` 对产生损失的每个数 x 计算 d loss / d x。对一个 logit 来说答案很简单：
# 在真实位置上是 `(softmax - one_hot(label)) / N`（N = 真实词元的个数）——把正确的子词片段
# 往上推，把其他每个子词片段按它的概率往下压。在 -100 的位置，损失根本不依赖这些 logits，
# 所以它们的梯度**恰好**为零：填充什么也教不了模型。

# %%
logits = model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids, batch.decoder_attention_mask)
logits.retain_grad()                                             # keep d loss / d logits for us to look at
loss = cross_entropy_loss(logits, batch.labels)
loss.backward()
grad_norm = logits.grad.norm(dim=-1)                             # (B, T) size of each position's gradient
print("每个位置的梯度大小（0 = 被忽略）：\n", grad_norm)
assert torch.all(logits.grad[~real] == 0)
n_real = int(real.sum())
expected = (torch.softmax(logits[0, 0], -1) - F.one_hot(batch.labels[0, 0], V)) / n_real
# Untrained, p(right) ≈ 0, so ‖softmax - one_hot‖ ≈ 1 and every real position's gradient is ≈ 1/N.
print(f"位置 (0,0)：autograd 与 (softmax - one_hot)/N 的最大差值 "
      f"{(logits.grad[0, 0] - expected).abs().max().item():.1e}")
assert torch.allclose(logits.grad[0, 0], expected.detach(), atol=1e-7)

print(plot_logit_gradients(grad_norm, batch.labels, pieces=tok.id_to_piece, path=FIGURES / "06_logit_gradients.png",
                           title=f"‖d loss / d logits‖ per position: ≈ 1/N = 1/{n_real} = {1 / n_real:.4f} "
                                 "where real, exactly 0 at -100"))

# %% [markdown]
# ## 7. 优化器走一步
#
# 梯度从 logits 继续流向每一个权重。**优化器**把梯度变成权重的改变量。最简单的是普通梯度
# 下降：每个权重移动 `-学习率 × 它的梯度`。我们用 **AdamW**，这是 Transformer 的常用选择：
# 它把每个权重的步长除以“这个权重的梯度通常有多大”的滑动估计，于是每个权重大约都移动
# `学习率`（learning rate）那么多；并且每一步都把权重矩阵稍微往 0 收缩（*权重衰减*
# （weight decay），即名字里的 “W”）。第 07 课会讲得更多，也会解释为什么最初几步需要小的
# 学习率（*预热*（warmup））。在同一个批次上，损失下降了。这里的学习率故意取得很大，
# 好让单独一步的效果清楚可见。

# %%
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
before = loss.item()
optimizer.step()          # uses the .grad that backward() left on every parameter
optimizer.zero_grad()
with torch.no_grad():
    after = cross_entropy_loss(model(batch.input_ids, batch.attention_mask, batch.decoder_input_ids,
                                     batch.decoder_attention_mask), batch.labels).item()
print(f"这一步之前的损失 {before:.4f} → 之后 {after:.4f}")
assert after < before

# %% [markdown]
# ## 8. 标签平滑，以及没有真实词元的批次
#
# **标签平滑**（`minimt train` 中 ε = 0.1）的训练目标是：正确的子词片段占 90 %，另外 10 % 平均
# 分给所有子词片段。模型永远不会被推向无限自信，这有助于泛化。它同样必须忽略 -100 的位置——
# 我们这个批次带平滑的损失，等于把填充*删掉*之后同样这些词元带平滑的损失：

# %%
logits = logits.detach()
smoothed = cross_entropy_loss(logits, batch.labels, label_smoothing=0.1)
deleted = cross_entropy_loss(logits[real].unsqueeze(0), batch.labels[real].unsqueeze(0), label_smoothing=0.1)
print(f"带 -100 位置的平滑损失：{smoothed.item():.6f}；删掉填充后：{deleted.item():.6f}")
assert abs(smoothed.item() - deleted.item()) < 1e-5

# %% [markdown]
# 一个*所有*标签都是 -100 的批次没有东西可平均：PyTorch 算的是 0 / 0 = NaN，而一个 NaN 损失会
# 把每个权重都变成 NaN。`cross_entropy_loss` 此时返回 0，训练循环会跳过这一步（否则 AdamW
# 即使梯度为零也仍会移动权重）。

# %%
nothing = torch.full((2, 4), IGNORE_INDEX)
print("F.cross_entropy，全部为 -100：", F.cross_entropy(torch.randn(8, V), nothing.reshape(-1)).item())
print("cross_entropy_loss，全部为 -100：", cross_entropy_loss(torch.randn(2, 4, V), nothing).item())

# %% [markdown]
# ## 动手试试
#
# 1. 去掉 `ignore_index=-100`，用 0 来填充标签（第 3 节“错误”的版本），用它跑第 07 课的训练
#    循环。句子结束之后，模型会输出什么？
# 2. 计算按*句子*的平均（先对每一行的真实词元求平均，再对各行求平均）。哪个句子的权重变大了？
# 3. 在第 6 节中，为什么真实位置的梯度大小总是 ≤ √2 / N？
#
# 下一课：第 07 课把第 7 节重复成百上千次——训练循环。

# %% [markdown]
# ## 练习
#
# 练习本课内容：`minimt exercises start N`，然后 `minimt exercises check N`。
#
# - **9** — `masked_cross_entropy`：把损失写成只对真实词元的带掩码平均
# - **17** — `make_targets`：修复它——学会了填充的损失
# - **20** — `logit_gradients`：手算反向传播——d loss / d logits = (softmax − one_hot) / N
