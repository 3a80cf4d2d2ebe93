# translates: 10_serving.py sha256:da2a38d718c2
# %% [markdown]
# # 第 10 课 — 部署：从我们写的模型，到为它服务的引擎
#
# 翻译模型的每一部分我们都亲手写过了。实践者接下来的问题是：怎样*部署*它——在普通 CPU 上每秒
# 翻译很多句？机器翻译领域常见的答案是 **CTranslate2**，OpenNMT 的推理（inference）引擎。它运行的
# 正是我们的结构：前置归一化（pre-norm）的编码器–解码器、ReLU 前馈网络、由外部给定的位置编码、
# 一张共享的嵌入表。所以我们的权重可以*原封不动*地放进去。
#
# 本课：（1）把 minimt 的每个张量对应到引擎的槽位；（2）检查引擎产生的**词元 ID 与我们的解码器
# 相同**；（3）诚实地读一张速度表。
#
# 代码：`minimt/serve/spec.py`（对应关系）、`minimt/serve/export.py`（`minimt export`）、
# `minimt/serve/engine.py`（`minimt translate --engine ctranslate2`）、`bench/ct2_bench.py`。
# 需要 `pip install 'minimt[serve]'`。`MINIMT_FAST=1` 会用几秒钟训练一个很小的模型；否则，如果
# `runs/minimt` 存在就用它（`minimt train` 的结果），否则用第 07 课的模型（`runs/lesson07`），
# 两者都没有就训练一个小模型（约 30 秒）。
#
# - **基于：** 第 09 课——一个训练好的模型以及怎样给它打分——和第 08 课的解码器。
# - **下一步：** 练习（`minimt exercises list`），然后在真实数据上运行 `minimt train`（README：Real data）。

# %%
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a plain script: draw to files; a notebook keeps its own backend
import matplotlib.pyplot as plt
import torch

from minimt.batch import bucket_batches, make_batch
from minimt.checkpoint import load_checkpoint, save_checkpoint
from minimt.data import embedded_path, load_pairs
from minimt.decode import greedy_decode
from minimt.evaluate import corpus_scores
from minimt.files import PROJECT_ROOT
from minimt.plots import save_figure
from minimt.loss import cross_entropy_loss
from minimt.model import ModelConfig, Transformer
from minimt.serve import export_ctranslate2, translate_with_ctranslate2
from minimt.serve.engine import load_engine, translate_ids
from minimt.tokenizer import Tokenizer

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟随它（英文版 lessons/：“en”）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
RUN = Path(os.environ.get("MINIMT_RUN", PROJECT_ROOT / "runs" / "minimt"))
ROOT = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()  # the clone, else here
LESSON07 = Path(os.environ.get("MINIMT_LESSON07_RUN") or ROOT / "runs" / "lesson07")  # lesson 07's model
THREADS = 1  # the same for both: a fair comparison, and quiet on a shared machine
torch.set_num_threads(THREADS)
WORK = Path(tempfile.mkdtemp(prefix="minimt_lesson10_"))


def small_model(steps: int, n_pairs: int) -> Path:
    """A quick model trained with the loop of lesson 07, saved as a checkpoint folder."""
    torch.manual_seed(0)
    pairs = load_pairs(embedded_path("train"))
    random.Random(0).shuffle(pairs)
    pairs = load_pairs(embedded_path("phrasebook"))[:200] + pairs[:n_pairs]
    tok = Tokenizer.train(pairs, vocab_size=600)
    src, tgt = [tok.encode(e) for e, _ in pairs], [tok.encode(f) for _, f in pairs]
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=4, n_encoder_layers=2,
                         n_decoder_layers=2, d_ff=128, max_positions=64, dropout=0.0)
    model = Transformer(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.98))
    batches = bucket_batches([(len(a), len(b)) for a, b in zip(src, tgt)], 1500, seed=0)
    for step in range(1, steps + 1):
        idx = batches[(step - 1) % len(batches)]
        b = make_batch([src[i] for i in idx], [tgt[i] for i in idx], pad_id=0, bos_id=2, eos_id=3)
        for g in opt.param_groups:
            g["lr"] = 3e-3 * min(1.0, step / 30)
        loss = cross_entropy_loss(model(b.input_ids, b.attention_mask, b.decoder_input_ids,
                                        b.decoder_attention_mask), b.labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    save_checkpoint(WORK / "ckpt", model=model.eval(), config=config, tokenizer=tok, step=steps, name="best")
    return WORK / "ckpt"


if not FAST and ((RUN / "best.pt").is_file() or (RUN / "latest.pt").is_file()):
    CKPT = RUN
elif not FAST and (LESSON07 / "latest.pt").is_file():
    CKPT = LESSON07
else:
    CKPT = small_model(steps=60 if FAST else 400, n_pairs=2000 if FAST else 8000)
model, tok, meta = load_checkpoint(CKPT)
c = model.config
print(f"检查点 {CKPT}：{sum(p.numel() for p in model.parameters()):,} 个参数——D = {c.d_model}，"
      f"{c.n_heads} 个注意力头，{c.n_encoder_layers} + {c.n_decoder_layers} 层，词表 {c.vocab_size:,}")

# %% [markdown]
# ## 1. 数学上什么都不变：从我们的张量到引擎槽位的对应表
#
# CTranslate2 用 Python 的*规格*（specification）类描述模型（`ctranslate2.specs.TransformerSpec`）。
# 我们用 `pre_norm=True` 和 ReLU 构造一个规格，再用我们的张量填满每个槽位（`minimt/serve/spec.py`）。
# 粗心的导出会出错的地方——每一处都是那个文件里的一行：
#
# | minimt | 引擎 | 如果忘了 |
# | --- | --- | --- |
# | `embedding(ids) * √D` | `scale_embeddings = True` | 输入小了 16 倍（D=256） |
# | 我们交错排列的 sin/cos 表 | `position_encodings.encodings`（直接给定，不重新推导） | 引擎自己的正弦表把所有 sin 放在前面：位置全乱了 |
# | 编码器、解码器、输出共用一张表 | 同一个数组出现三次（只存一次） | — |
# | `nn.LayerNorm` 的 eps 1e-5 | `layer_norm_epsilon = 1e-5` | 微小的漂移，接近打平的地方会翻转 |
# | 源句 = ids + [EOS] | `add_source_eos = True` | 模型从没见过的源句 |
# | 解码器从 [BOS] 开始 | `decoder_start_token = "<s>"` | 模型从没见过的第一步 |
#
# 规格按名字列出它的变量；下面是嵌入、位置、最后的归一化层以及第一个解码器层，附上我们的形状：

# %%
from minimt.serve.spec import build_spec  # noqa: E402

spec = build_spec(model.config, model.state_dict(), [tok.id_to_piece(i) for i in range(tok.vocab_size)])
for name, value in spec.variables().items():
    shape = tuple(getattr(value, "shape", ()))
    if shape and ("decoder/layer_0/" in name or not re.search(r"layer_\d", name)):  # one decoder layer + the rest
        print(f"  {name:55} {shape}")

# %% [markdown]
# `minimt export` 构造这个规格，让 CTranslate2 校验并保存 `model.bin`，再加上我们的
# `tokenizer.model` 和一个 README。`--quantization int8` 用 8 位存储每个权重矩阵，每行一个浮点缩放因子。

# %%
dirs = {q: export_ctranslate2(CKPT, WORK / f"ct2-{q}", quantization=q) for q in ("float32", "int8")}
for q, d in dirs.items():
    print(f"{q:8} {d.name}: " + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.2f} MB"
                                           for f in sorted(d.iterdir()) if f.suffix == ".bin"))
print(translate_with_ctranslate2(dirs["float32"], ["How are you?"], beam=4, threads=THREADS))

# %% [markdown]
# ## 2. 证明：相同的词元 ID
#
# 如果上面有一处对应错了，输出就不只是差一点——而会是不同的句子。我们分别用自己的
# `greedy_decode` 和引擎解码测试集，比较的是 **ID**，而不是文本：

# %%
test = load_pairs(embedded_path("test"))[: 64 if FAST else 1000]
sources = [tok.encode(e) for e, _ in test]
batch = make_batch(sources, [[tok.eos_id]] * len(sources), pad_id=0, bos_id=2, eos_id=3)
t0 = time.perf_counter()
ours = greedy_decode(model, batch.input_ids, batch.attention_mask, bos_id=2, eos_id=3, max_len=16 if FAST else None)
t_minimt = time.perf_counter() - t0
results = {}
for q, d in dirs.items():
    translator, etok, P = load_engine(str(d), "cpu", THREADS)
    translate_ids(translator, etok, sources[:8], max_positions=P)  # warm-up
    t0 = time.perf_counter()
    theirs = [r[0][0] for r in translate_ids(translator, etok, sources, max_len=16 if FAST else None,
                                             max_positions=P)]
    results[q] = (theirs, time.perf_counter() - t0)
    same = sum(a == b for a, b in zip(ours, theirs))
    print(f"ct2 {q:8}：{same}/{len(sources)} 个句子的 ID 与 minimt 相同")

# %% [markdown]
# float32 给出相同的 ID（差异只可能来自两个 logits 相差约 1e-6 的词元，加法顺序不同就会让 argmax
# 翻转——tests/test_serve.py 检查每一处差异都属于这种“接近打平”）。int8 对权重做了舍入，所以有些
# 句子会变——但*语料级*分数几乎不动：

# %%
refs = [f for _, f in test]
bleu = {"minimt": corpus_scores([tok.decode(x) for x in ours], refs)["bleu"]}
for q, (ids, _) in results.items():
    bleu[f"ct2 {q}"] = corpus_scores([tok.decode(x) for x in ids], refs)["bleu"]
print({k: round(v, 1) for k, v in bleu.items()})

# %% [markdown]
# ## 3. 读一张速度表
#
# 同样的句子、同样的线程数、贪心解码。每秒句子数是服务器关心的数字；它取决于 CPU、批次大小和
# 句子长度，所以只比较在同一台机器上测得的*比值*，绝不比较两台机器上的数字。`bench/ct2_bench.py`
# 做了正式的测量（预热、束宽 4、磁盘上的大小；结果在 `docs/benchmarks.md`）。
#
# 引擎做了而 minimt 没做的事：融合的 C++ 内核（层与层之间没有 Python，每步没有张量的簿记）、在支持
# 的 CPU 上做 int8 矩阵乘法（VNNI / AMX）、为它的束搜索布局的键值缓存，以及为 GEMM 库预先打包的
# 权重。数学是我们的；工程是他们的。

# %%
speed = {"minimt": len(sources) / t_minimt}
speed.update({f"ct2 {q}": len(sources) / s for q, (_, s) in results.items()})
for k, v in speed.items():
    print(f"{k:12} {v:8.1f} 句/秒  （minimt 的 {v / speed['minimt']:.2f} 倍）")
colours = ["#0072B2", "#E69F00", "#009E73"]  # Okabe–Ito: safe for colour-blind readers
fig, ax = plt.subplots(figsize=(8, 4.5))
bars = ax.bar(list(speed), list(speed.values()), color=colours)
for bar, name in zip(bars, speed):
    ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{speed[name]:.0f}\nBLEU {bleu[name]:.1f}",
            ha="center", va="bottom", fontsize=12)
ax.set_ylabel("sentences / second (greedy)")
ax.set_title(f"Same weights, same ids: {len(sources)} test sentences, {THREADS} thread")
ax.set_ylim(0, max(speed.values()) * 1.3)
FIGURES.mkdir(parents=True, exist_ok=True)
print("saved", save_figure(fig, FIGURES / "10_serving_speed.png", bbox_inches="tight", facecolor="white"))

# %% [markdown]
# ## 动手试试
#
# 1. 导出并部署你自己的模型（`minimt train` 之后的 `runs/minimt`，或第 07 课的 `runs/lesson07`）：
#
#        minimt export --checkpoint runs/minimt --to ctranslate2 --out serve/minimt-ct2
#        minimt translate --engine ctranslate2 --checkpoint serve/minimt-ct2 --beam 4 "How are you?"
#
# 2. 让引擎自己推导正弦表——在 `minimt/serve/spec.py` 中注释掉设置 `position_encodings.encodings`
#    的那一行，重新运行第 2 节，数一数还有多少 ID 相同。然后把它恢复。

# %% [markdown]
# ## 练习
#
# 没有关于部署的练习。本课拿来与引擎比较的解码器，由第 08 课的练习来练：
# `minimt exercises start N`，然后 `minimt exercises check N`。
#
# - **11** — `greedy_decode`：对一个批次做贪心解码，每一行在自己的 EOS 处停下
# - **13** — `best_hypothesis`：用 GNMT 长度惩罚选出最好的已完成候选译文
# - **14** — `beam_search`：带长度惩罚的束搜索
