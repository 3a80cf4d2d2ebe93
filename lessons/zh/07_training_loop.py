# translates: 07_training_loop.py sha256:bca625926ca1
# %% [markdown]
# # 第 07 课 — 训练循环
#
# 第 06 课在一个批次（batch）上让优化器（optimizer）走了一步。训练就是把这一步在语料上重复
# 成百上千次，再加上几样让它真正奏效的“记账”工作：
#
# 1. 数据：常用语手册（phrasebook）里的日常句对，按长度相近分成批次（第 03 课的
#    `bucket_batches`）；
# 2. 模型、AdamW，以及先预热（warmup）、再衰减的学习率（learning rate）；
# 3. 训练循环本身——前向、损失、反向、裁剪、更新、调整学习率——完整写出，并带一个进度条；
# 4. 损失曲线，以及一个留出数据上的损失，用来确认模型能够泛化；
# 5. 用刚训练好的模型翻译（一个 10 行的贪心循环；第 08 课会正式讲解码）；
# 6. 一个加载时不会运行任何人代码的检查点（checkpoint）——第 08、09 课会复用它；
# 7. `minimt train`：它就是本课，再加上时间预算、BLEU 评估和精确的 `--resume`。
#
# 下面的循环是“真刀真枪”的：它训练一个小模型，在双核笔记本 CPU 上大约两分钟，就能翻译
# 文章里的 “How are you?” 和其他日常句子。模型保存在 `runs/lesson07/`，第 08、09 课会在那里
# 找到它（如果有 `minimt train` 的运行结果，它们会优先使用后者）。`MINIMT_FAST=1`（给 CI 用）
# 只跑 20 步：损失只下降一点，“法语”是胡言乱语——那时的目的只是确认它能跑通。
# 图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **基于：** 第 06 课——损失、反向传播和优化器的一步。
# - **下一课：** 第 08 课——解码：训练好的模型逐个词元（token）地写出法语。

# %%
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from tqdm import tqdm  # the plain text bar: it works in a terminal and in a notebook alike

from minimt.batch import bucket_batches, make_batch
from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.files import PROJECT_ROOT
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer
from minimt.plots import save_figure
from minimt.runtime.run_folder import checkpoints_in, latest_default
from minimt.schedule import inverse_sqrt_factor, make_optimizer, make_scheduler
from minimt.tokenizer import Tokenizer
from minimt.translate import translate

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟随它（英文版 lessons/：“en”）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
STEPS = 20 if FAST else 500
plt.rcParams.update({"font.size": 14, "axes.titlesize": 16})  # readable on a slide
SEED = 0
random.seed(SEED)
torch.manual_seed(SEED)  # one seed → the same batches, weights, dropout and losses on every run
# Where the model goes: runs/lesson07 in the clone (else in this folder); a fast run never replaces it.
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()
OUT = Path(os.environ.get("MINIMT_LESSON07_RUN")
           or (tempfile.mkdtemp(prefix="minimt_lesson07_") if FAST else ROOT / "runs" / "lesson07"))

# %% [markdown]
# ## 1. 数据：日常句子，再按长度分批
#
# 两分钟的 CPU 时间教不会模型法语。但如果模型把内置常用语手册里的日常句子——问候、道谢、
# 问路——看得足够多次，两分钟就够了。所以本课在**训练集**（training split）中属于常用语手册的
# 句对上训练，每个句对重复 4 次，再加上 1,500 个其他训练句对以增加多样性。（常用语手册的其余
# 句对在验证集和测试集里：模型从不在它们上面训练，所以它们可以检验模型是否能泛化。）
#
# 每个句对变成两个 ID 列表（第 02 课）。`bucket_batches` 按长度给句对排序，并把每个批次装到
# **填充后**位置数的预算（`max_tokens`）为止：短句组成大批次，长句组成小批次，填充很少
# （第 03 课）。每一轮（epoch）都用新的打乱顺序（`seed + epoch`）——模型不会两次看到同样的
# 批次序列，但用同一个种子重跑时会。

# %%
tok = Tokenizer.default()
special = dict(pad_id=tok.pad_id, bos_id=tok.bos_id, eos_id=tok.eos_id)
REPEAT, N_OTHER = 4, (200 if FAST else 1500)
phrasebook = set(load_pairs(embedded_path("phrasebook")))
all_train = load_pairs(embedded_path("train"))
everyday = [p for p in all_train if p in phrasebook]      # the phrasebook pairs of the training split
others = [p for p in all_train if p not in phrasebook]
random.Random(SEED).shuffle(others)
train_pairs = everyday * REPEAT + others[:N_OTHER]
valid_pairs = load_pairs(embedded_path("valid"))[:32 if FAST else 200]
train_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in train_pairs]
valid_ids = [(tok.encode(en), tok.encode(fr)) for en, fr in valid_pairs]
lengths = [(len(s), len(t)) for s, t in train_ids]
MAX_TOKENS = 512 if FAST else 2048  # fast mode: small batches, seconds not minutes


def to_batch(indices, ids):
    return make_batch([ids[i][0] for i in indices], [ids[i][1] for i in indices], **special)


batches = bucket_batches(lengths, MAX_TOKENS, shuffle=True, seed=SEED + 0)  # epoch 0
sizes = [len(b) for b in batches]
print(f"{len(everyday):,} 个常用语句对 × {REPEAT} + {N_OTHER:,} 个其他句对 = {len(train_pairs):,} "
      f"个训练句对（训练集共 {len(all_train):,} 个）")
print(f"→ 每轮 {len(batches)} 个批次，每个批次 {min(sizes)} 到 {max(sizes)} 个句对 "
      f"（填充后 ≤ {MAX_TOKENS} 个词元）")
valid_batches = [to_batch(b, valid_ids) for b in bucket_batches([(len(s), len(t)) for s, t in valid_ids],
                                                                 MAX_TOKENS, shuffle=False)]

# %% [markdown]
# ## 2. 模型、优化器和学习率调度
#
# 比 `minimt train` 默认的模型小，这样几分钟就能训练完：D = 128，2 + 2 层，暂退法（dropout）
# 0.1（第 05 课）。
#
# **AdamW。** 普通梯度下降让每个权重移动 `学习率 × 梯度`。Adam 为每个权重维护两个滑动平均：
# 梯度的平均（*动量*：它一直指向的方向），以及梯度平方的平均（*二阶矩*：这个权重的梯度通常
# 有多大）；它用前者除以后者的平方根来移动权重。于是无论梯度的尺度如何，每个权重每步大约
# 移动 `学习率`。**W** 指*解耦的权重衰减*（weight decay）：每一步还会把权重矩阵稍微往 0 收缩
# （`weight_decay`），与梯度分开进行（偏置和层归一化的增益不衰减——见
# `minimt.schedule.make_optimizer`）。
#
# **先预热，再衰减。** Adam 会校正它的滑动平均从零开始带来的偏差，所以问题不在这里。问题在于：
# 最初几步里，它的二阶矩估计只建立在寥寥几个梯度之上。某个权重的前几个梯度碰巧很小，它得到
# 的除数就远远太小，步长就远大于 `学习率`。在一个刚初始化的模型上，这种又大、尺度又不对的
# 步子可能把它推到再也恢复不了的地方。所以学习率从接近 0 开始，在 `warmup` 步内线性增长
# （让这些估计先积累起来），然后按 1/√step 减小：
#
#     lr(step) = peak · min(step / warmup, √(warmup / step))

# %%
config = ModelConfig(vocab_size=tok.vocab_size, d_model=128, n_heads=4, n_encoder_layers=2,
                     n_decoder_layers=2, d_ff=512, dropout=0.1)
model = Transformer(config)
PEAK_LR, WARMUP = 2e-3, (5 if FAST else 100)
optimizer = make_optimizer(model, lr=PEAK_LR, weight_decay=0.01)
scheduler = make_scheduler(optimizer, warmup=WARMUP)
print(f"{sum(p.numel() for p in model.parameters()):,} 个参数；AdamW 峰值学习率 {PEAK_LR}，"
      f"预热 {WARMUP} 步，共 {STEPS} 步")

fig, ax = plt.subplots(figsize=(9, 4))
xs = list(range(1, STEPS + 1))
ax.plot(xs, [PEAK_LR * inverse_sqrt_factor(s - 1, WARMUP) for s in xs], lw=2.5)
ax.axvline(WARMUP, color="grey", ls="--", label=f"end of warmup (step {WARMUP})")
ax.set(xlabel="optimiser step", ylabel="learning rate", title="Linear warmup, then 1/√step decay")
ax.legend()
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "07_lr_schedule.png", dpi=100))

# %% [markdown]
# ## 3. 训练循环
#
# 真正做学习的只有六行，其余的都是在记录发生了什么。
#
# - `model.train()` 打开暂退法（`model.eval()` 在评估时关闭它）。
# - 如果整个梯度的长度超过 1.0，`clip_grad_norm_` 会把它按比例缩小（梯度裁剪）：单个古怪的
#   批次没法把权重甩得很远。它返回的是裁剪*之前*的长度——我们把它记录下来，因为梯度范数
#   突然飙升是出问题的第一个信号。
# - `optimizer.zero_grad()`：PyTorch 会把新梯度*加到*旧梯度上（这对梯度累积很有用）；
#   忘了这一行是经典的错误。
#
# 进度条（progress bar）会实时显示训练损失；留出数据上的损失在第一步之前测量一次、训练中再测量
# 五次，在最后打印出来。

# %%
@torch.no_grad()
def valid_loss() -> float:
    """Mean loss per real token over the held-out pairs (no dropout, no label smoothing)."""
    model.eval()
    total, count = 0.0, 0
    for b in valid_batches:
        logits = model(b.input_ids, b.attention_mask, b.decoder_input_ids, b.decoder_attention_mask)
        total += cross_entropy_loss(logits, b.labels).item() * b.n_tokens  # mean → sum
        count += b.n_tokens
    return total / count


history = {"step": [], "loss": [], "grad_norm": [], "lr": [], "valid_step": [0], "valid": [valid_loss()]}
epoch, position, start = 0, 0, time.time()
bar = tqdm(range(1, STEPS + 1), desc="training", unit="step", file=sys.stderr)
for step in bar:
    batch = to_batch(batches[position], train_ids)
    model.train()
    logits = model(batch.input_ids, batch.attention_mask,
                   batch.decoder_input_ids, batch.decoder_attention_mask)       # 1. forward  (B, T, V)
    loss = cross_entropy_loss(logits, batch.labels, label_smoothing=0.1)       # 2. loss (-100 ignored)
    optimizer.zero_grad()
    loss.backward()                                                            # 3. backward
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)       # 4. clip
    history["lr"].append(scheduler.get_last_lr()[0])
    optimizer.step()                                                           # 5. update
    scheduler.step()                                                           # 6. next lr

    history["step"].append(step)
    history["loss"].append(loss.item())
    history["grad_norm"].append(grad_norm.item())
    position += 1
    if position == len(batches):  # end of an epoch: new order
        epoch, position = epoch + 1, 0
        batches = bucket_batches(lengths, MAX_TOKENS, shuffle=True, seed=SEED + epoch)
    if step % 10 == 0:
        bar.set_postfix(loss=f"{loss.item():.2f}", epoch=epoch)
    if step % max(1, STEPS // 5) == 0 or step == STEPS:
        history["valid_step"].append(step)
        history["valid"].append(valid_loss())
bar.close()
seconds = time.time() - start
print(f"{STEPS} 步（{epoch + position / len(batches):.1f} 轮），在这台机器上用了 {seconds:.0f} 秒")
print("验证损失：" + "，".join(f"第 {s} 步 {v:.2f}" for s, v in zip(history["valid_step"], history["valid"])))
first, last = sum(history["loss"][:10]) / 10, sum(history["loss"][-10:]) / 10
print(f"训练损失（10 步的平均）：最初 {first:.2f} → 最后 {last:.2f}")
assert last < first and history["valid"][-1] < history["valid"][0], "损失应当下降"

# %% [markdown]
# ## 4. 损失曲线
#
# 训练损失从接近 `ln V` 开始（每个子词片段同样可能：ln 4000 ≈ 8.3），随着模型学会哪些子词片段
# 常见而迅速下降，然后随着它学会利用源句子而下降得更慢。验证损失是在模型从不训练的句对上
# 测得的：只要它也在下降，模型学到的就是可以迁移的东西，而不只是在背它的训练句对。
#
# 为什么验证损失最后可能*低于*训练损失？训练损失是在打开暂退法、并且使用标签平滑（第 06 课）
# 的情况下测的：目标把 0.1 的概率分给全部 V 个子词片段，所以即使完美的模型也不可能低于这个
# 目标分布的熵（数值在下面打印）。验证损失是关闭暂退法的普通交叉熵。

# %%
eps, V = 0.1, tok.vocab_size
right, other = 1 - eps + eps / V, eps / V  # the smoothed target: probability of the right piece, of each other
floor = -(right * math.log(right) + (V - 1) * other * math.log(other))
print(f"ln V = {math.log(V):.2f}；标签平滑 {eps} 时训练损失的最低可能值：{floor:.3f}")
print(f"{STEPS} 步之后：训练 {last:.2f}（平滑、开暂退法），验证 {history['valid'][-1]:.2f}（普通交叉熵）")
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5))
ax1.plot(history["step"], history["loss"], alpha=0.6, label="train (per batch, label smoothing 0.1)")
ax1.plot(history["valid_step"], history["valid"], "o-", color="#D55E00", lw=2.5, label="valid (held-out pairs)")
ax1.axhline(math.log(V), color="grey", ls=":", label=f"ln V = {math.log(V):.2f}")
ax1.axhline(floor, color="#0072B2", ls="--", lw=1, label=f"floor of the smoothed loss = {floor:.2f}")
ax1.set(xlabel="step", ylabel="loss per real token", title="Loss")
ax1.legend(fontsize=12)
ax2.plot(history["step"], history["grad_norm"], color="#009E73")
ax2.axhline(1.0, color="grey", ls="--", label="clip at 1.0")
ax2.set(xlabel="step", ylabel="‖gradient‖ before clipping", title="Gradient norm")
ax2.legend(fontsize=12)
fig.tight_layout()
print("saved", save_figure(fig, FIGURES / "07_loss_curve.png", dpi=100))
assert all(math.isfinite(x) for x in history["loss"])

# %% [markdown]
# ## 5. 翻译：模型自己的猜测，一次一个子词片段
#
# 训练时解码器读的是*真实的*法语（教师强制）。翻译时没有真实的法语：从 BOS 开始，问下一个
# 最可能的子词片段，把它接上，重复直到 EOS。第 08 课讲解这个（贪心）循环以及它更快的带缓存
# 版本和束搜索版本。
#
# 我们试试文章里的句子、几句模型训练过的日常句子，以及几句它从没见过的常用语（来自验证集）：

# %%
@torch.no_grad()
def greedy(sentence: str, max_len: int = 30) -> str:
    model.eval()
    src = make_batch([tok.encode(sentence)], [[tok.eos_id]], **special)  # only the source half is used
    memory = model.encode(src.input_ids, src.attention_mask)              # (1, S, D)
    out = [tok.bos_id]
    for _ in range(max_len):
        logits = model.decode(torch.tensor([out]), memory, src.attention_mask)  # (1, len(out), V)
        next_id = logits[0, -1].argmax().item()
        if next_id == tok.eos_id:
            break
        out.append(next_id)
    return tok.decode(out)


seen = [("How are you?", "Comment ça va ?"), ("Thank you very much.", "Merci beaucoup."),
        ("Where is the station?", "Où est la gare ?"), ("I don't understand.", "Je ne comprends pas."),
        ("See you tomorrow.", "À demain.")]
assert all(p in everyday for p in seen)  # all five are training pairs
unseen = [p for p in load_pairs(embedded_path("valid")) if p in phrasebook][:4]
exact = 0
for label, group in (("训练过", seen), ("从没见过", unseen)):
    print(f"-- {label}:")
    for en, fr in group:
        out = greedy(en)
        exact += out == fr
        print(f"  {en:34} → {out:30} （{'与参考译文完全一致' if out == fr else '参考译文：' + fr}）")
print(f"{len(seen) + len(unseen)} 句中有 {exact} 句与常用语手册完全一致")

# %% [markdown]
# 作为对比，如果你已经训练过 `minimt train` 的模型（`runs/minimt`、`runs/minimt-2`……中最新的一个，
# 或 `$MINIMT_RUN`），下面给出它对同样这些句子的译文：

# %%
if os.environ.get("MINIMT_RUN"):
    runs = [Path(os.environ["MINIMT_RUN"])]
else:
    runs = [latest_default(base) for base in (Path("runs/minimt"), ROOT / "runs" / "minimt")]
big_run = next((run for run in runs if run is not None and checkpoints_in(run)), None)
if big_run is None:
    print("还没有 `minimt train` 的运行结果（它需要更长时间：见 README 的 Set-up）；本课的模型就是上面那个。")
else:
    big, big_tok, big_meta = load_checkpoint(big_run)
    print(f"{big_run}（第 {big_meta['step']} 步，{sum(p.numel() for p in big.parameters()):,} 个参数）：")
    for (en, fr), out in zip(seen + unseen, translate(big, big_tok, [en for en, _ in seen + unseen])):
        print(f"  {en:34} → {out:30} （{'与参考译文完全一致' if out == fr else '参考译文：' + fr}）")

# %% [markdown]
# 这两分钟之后，模型见过很多次的日常句子都翻译对了，输出是真正的法语；它从没见过的句子大多
# 是错的——法语单词，错误的句子（上面的计数说明有几句完全正确）。这个模型更多是背下了它的
# 常用语手册，而不是学会了法语。
#
# ## 6. 检查点
#
# 一个检查点文件夹包含 `config.json`（模型的形状，可读）、`tokenizer.model`（没有它，ID 就
# 毫无意义）以及 `latest.pt` / `best.pt`：权重，加上优化器、调度器、步数和随机数生成器的状态，
# 因此训练可以从停下的地方精确地继续。每个文件都是原子写入的（先写到临时名字，再改名）：
# 崩溃永远不会留下半个检查点。.pt 文件只包含张量和普通的 Python 值，所以我们可以用
# `torch.load(..., weights_only=True)` 加载：普通的 `torch.load` 会反序列化（unpickle），而
# 反序列化陌生人的文件可能在你的机器上运行任意代码。
#
# 我们把本课的模型保存到第 08、09 课会去找的地方，再把它加载回来：

# %%
save_checkpoint(OUT, model=model, config=config, tokenizer=tok, step=STEPS,
                optimizer=optimizer, scheduler=scheduler, extra={"seed": SEED}, name="latest")
print("检查点文件夹：", OUT.name if FAST else OUT, sorted(os.listdir(OUT)))
loaded, loaded_tok, meta = load_checkpoint(OUT, name="latest")  # torch.load(..., weights_only=True)
same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), loaded.state_dict().values()))
print(f"重新加载第 {meta['step']} 步；权重完全相同：{same}")
assert same

# %% [markdown]
# ## 7. 同样的事，在命令行里
#
#     minimt train                      # 内置语料，1,200 步（笔记本 fp32 约 10 分钟，bf16 更快），然后打印译文
#     minimt train --steps 2000 --out runs/long
#     minimt train --resume --out runs/long --steps 4000     # 精确地继续（损失完全相同）
#     minimt translate --checkpoint runs/lesson07 "How are you?"
#
# `minimt train` 补上了本课省略的内容：时间预算、用自由解码计算的验证 BLEU/chrF、bf16 自动
# 混合精度、`metrics.jsonl` 和曲线图、按 BLEU 选出的 `best.pt`，以及一个会恢复批次位置和每个
# 随机数生成器的 `--resume`——`tests/test_train.py` 会杀掉一次运行，再检查恢复后的损失与不中断
# 的运行逐位相同。
#
# ## 动手试试
#
# 1. 删掉 `optimizer.zero_grad()`。梯度范数和损失会怎样？
# 2. 设 `WARMUP = 1`、`PEAK_LR = 1e-2`。训练能撑过最初几步吗？
# 3. 用同一个种子把循环跑两次，比较 `history["loss"]`：完全相同吗？再只改变种子试试。
# 4. 设 `REPEAT = 1`。第 5 节的句子里，模型还能翻对哪些？
#
# 下一课：第 08 课——解码：贪心解码、键值缓存和束搜索。

# %% [markdown]
# ## 练习
#
# 练习本课内容：`minimt exercises start N`，然后 `minimt exercises check N`。
#
# - **10** — `train_step`：训练的一步（前向、损失、zero_grad、反向、裁剪、更新）
# - **18** — `PREDICTIONS`：动手破坏——哪个证明能抓住哪个错误？
