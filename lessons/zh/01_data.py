# translates: 01_data.py sha256:61f95c60f7ef
# %% [markdown]
# # 第 01 课 — 原始句对：翻译模型从什么里学习
#
# 你读过的那篇文章从一个句对讲起：
#
#     英文（输入）：  "How are you?"
#     法文（输出）：  "Comment ça va ?"
#
# 翻译模型从来没见过一条法语语法规则。它见到的是成千上万个这样的句对——
# 一份**平行语料**（parallel corpus）——然后学会把左边一列映射到右边一列。
# 后面的一切（分词器、填充、掩码、损失）都只是围绕这些句对的“记账”，
# 所以本课先把句对本身看清楚：
#
# 1. 文件格式，以及 minimt 自带的内置语料；
# 2. 句对长什么样，两种语言的句子各有多长；
# 3. 为什么验证集和测试集的句子不能出现在训练集里；
# 4. *坏的*输入长什么样，以及 minimt 为什么遇到它就停下，而不是跳过；
# 5. 去哪里拿真实语料（Tatoeba）。
#
# 可以当脚本运行（`python lessons/zh/01_data.py`），也可以当 notebook 打开。
# `MINIMT_FAST=1` 让它跑得更快；图片保存到 `$MINIMT_FIGURES`（默认 `lessons/figures`）。
#
# - **前置知识：** 无，这是第一课（会一点 Python 和 PyTorch 就够了）。
# - **下一课：** 第 02 课 — 分词：这些句子变成子词片段和 ID。
#
# ### 一张图看完整条路
#
# 下面这个单元格画出文章里那个句对在接下来几课要走的路：文本（01）、子词片段与 ID（02）、
# 带注意力掩码（attention_mask）的填充批次、用 -100 填充的标签（labels）和右移后的
# 解码器输入 ID（decoder_input_ids）（03）、注意力内部的掩码（04）、编码器–解码器（05）
# 以及损失（06）；第 07–10 课训练、解码、评分并部署模型。每个阶段上的小标签就是它所在的课。
# 图中的 ID 是 minimt 自己的分词器给出的真实 ID（第一次运行会先训练分词器，只需几秒）。
# 以后每当某一课放大其中一个方框，都可以回来看看这张图。

# %%
import os
import random
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
from minimt.files import cache_dir
from minimt.plots import plot_pipeline, save_figure

os.environ["MINIMT_LANG"] = "zh"  # 本课的语言：图片和提示信息都跟着它走（英文版 lessons/ 里是 "en"）
FAST = os.environ.get("MINIMT_FAST") == "1"
FIGURES = Path(os.environ.get("MINIMT_FIGURES", "lessons/figures"))
print("已保存", plot_pipeline(FIGURES / "01_pipeline.png"))

# %% [markdown]
# ## 1. 文件格式
#
# 一份语料就是一个 UTF-8 文本文件，每行一个句对，英文和法文之间用制表符（tab）隔开。
# 这正是 Tatoeba 项目和 manythings.org 的格式；它们的文件还多一列署名信息（每句话的作者），
# minimt 会忽略第二列之后的所有列：
#
#     How are you?<TAB>Comment ça va ?<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #…
#
# minimt 在 `data/` 里自带一份小语料：一本手写的常用语手册，加上由一套语法
# （`minimt/corpus/`）生成的句子，并且一次性固定地划分成 `train`、`valid` 和 `test`。
# `load_pairs` 把任何这种格式的文件读成一个 `(english, french)` 元组的列表。

# %%
splits = {name: load_pairs(embedded_path(name)) for name in ("train", "valid", "test")}
for name, pairs in splits.items():
    print(f"{name:5s}: {len(pairs):6,} 个句对   ({embedded_path(name).name})")
train = splits["train"]

# %% [markdown]
# ## 2. 看一看这些句对
#
# 先看文章里的那个句对——我们特意把它放进了训练数据，这样后面几课就能跟着
# 这同一句话，走过分词器、批次和模型。

# %%
article = [(en, fr) for en, fr in train if en == "How are you?"]
print("文章里的句对：", article)
assert article, "内置的训练集里应当有文章里的那个句对"

# %% [markdown]
# 随机抽几个句对（固定了随机种子，所以你看到的和别人一样）：

# %%
for en, fr in random.Random(0).sample(train, 8):
    print(f"  {en:45s} → {fr}")

# %% [markdown]
# 同一个英文句子可以有好几种正确的译法（tu/vous、语序……）。
# 模型会把它们全都见一遍；正确答案不止一个。

# %%
translations = Counter(en for en, _ in train)
en_most, n_most = translations.most_common(1)[0]
n_several = sum(n > 1 for n in translations.values())
print(f"有 {n_several:,} 个英文句子不止一种译法；")
print(f"译法最多的是 {en_most!r}，共 {n_most} 种：", [fr for en, fr in train if en == en_most][:6])

# %% [markdown]
# ### 句子有多长？
#
# 我们还没有分词器（那是第 02 课的事），所以先数*单词*：按空格切开的片段。
# 法文句子通常比英文原句稍长一点——冠词（le、la、des）、“ne … pas”，还有法语在
# `?` 和 `!` 前面加的空格，让 `?` 也算作一个词。右边的图按每个句对的英文长度和法文长度
# 放一个点：点沿着对角线分布——两边的长度是绑在一起的，因为两句话意思相同。

# %%
en_len = [len(en.split()) for en, _ in train]
fr_len = [len(fr.split()) for _, fr in train]
print(f"每句的词数 — 英文：平均 {sum(en_len) / len(en_len):.2f}，最多 {max(en_len)}；"
      f"  法文：平均 {sum(fr_len) / len(fr_len):.2f}，最多 {max(fr_len)}")
longer = sum(f > e for e, f in zip(en_len, fr_len)) / len(train)
print(f"在 {longer:.0%} 的句对里，法文的词比英文多")

plt.rcParams.update({"font.size": 13})
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
bins = [b - 0.5 for b in range(1, max(en_len + fr_len) + 2)]  # 每个词数一根柱子
left.hist([en_len, fr_len], bins=bins, label=["English", "French"], color=["tab:blue", "tab:red"])
left.set(xlabel="words per sentence (split on spaces)", ylabel="sentences",
         title=f"Sentence lengths ({len(train):,} training pairs)")
left.legend()
cells = Counter(zip(en_len, fr_len))  # (英文词数, 法文词数) -> 句对个数
xs, ys = zip(*cells)
biggest = max(cells.values())
right.scatter(xs, ys, s=[600 * cells[c] / biggest for c in cells], alpha=0.5, color="tab:purple")
top = max(xs + ys) + 1
right.plot([0, top], [0, top], "k--", lw=1, label="same length")
right.set(xlabel="English words", ylabel="French words", title="Pairs by length (dot area = pairs)")
right.text(0.97, 0.05, f"French longer in {longer:.0%} of pairs", transform=right.transAxes,
           ha="right")
right.legend(loc="upper left")
fig.tight_layout()
print("已保存", save_figure(fig, FIGURES / "01_sentence_lengths.png", dpi=120))

# %% [markdown]
# （这张图由本课的代码直接画出，而中文版与英文版的代码逐字相同，所以坐标轴文字是英文：
# English = 英文，French = 法文，words = 词数，sentences = 句子数，pairs = 句对。）
#
# ## 3. 为什么验证集、测试集与训练集没有共同的英文句子
#
# 我们在 `valid` 上（训练过程中）和 `test` 上（训练结束时）衡量翻译质量。如果某个测试句子
# 也在训练集里，模型完全可以直接*背下*它的译文，分数就会虚高。所以划分数据时是按英文句子
# 分组的：同一个句子的所有译法都进入同一个划分。检查一下：

# %%
train_english = {en for en, _ in train}
for name in ("valid", "test"):
    overlap = train_english & {en for en, _ in splits[name]}
    print(f"{name} 中也出现在训练集里的英文句子：{len(overlap)}")
    assert not overlap

# %% [markdown]
# ## 4. 坏的输入，以及 minimt 为什么拒绝它
#
# 真实语料总是乱糟糟的，下面每一种文件都曾经毁掉过别人的一次训练。
# 悄悄跳过一行比报错更糟：只在一边跳过一行，*之后的每一个句对都会错位*。
# 所以 `load_pairs` 在第一行坏数据处就停下，并指出文件、行号——如果是坏字节，
# 还会给出它在文件中的偏移量。
#
# 有一个陷阱值得演示一下。Python 的 `str.splitlines()` 不只按 `\n` 切分：
# 它也按 `\r`、U+2028（LINE SEPARATOR，行分隔符）、U+0085 等字符切分。
# 用它读语料，句子里只要藏着这样一个字符，就会凭空多出一行：

# %%
line = "She said\u2028hello.\tElle a dit bonjour."
print("str.splitlines() 在一行里看到了", len(line.splitlines()), "行：", line.splitlines())
print("只按 '\\n' 切分，看到的是", len(line.split("\n")))

# %% [markdown]
# minimt 按字节读取，只按 `\n` 切分，然后报告这类字符。下面是每一种坏文件
# 各自得到的结果（每个都是一个很小的临时文件）：

# %%
broken_files = {
    "没有制表符": b"How are you?\tComment \xc3\xa7a va ?\nGood morning. Bonjour.\n",
    "有一边是空的": b"Hello.\tBonjour.\nThank you.\t \n",
    "Windows 换行符": b"Hello.\tBonjour.\r\nThank you.\tMerci.\r\n",
    "Latin-1，不是 UTF-8": "Coffee.\tCafé.\n".encode("latin-1"),
    "字节顺序标记 (BOM)": b"\xef\xbb\xbfHello.\tBonjour.\n",
    "藏着的 U+2028": "Hello.\tBonjour.\nShe said\u2028hello.\tElle a dit bonjour.\n".encode(),
    "中间有空行": b"Hello.\tBonjour.\n\nThank you.\tMerci.\n",
    "空文件": b"",
}
with tempfile.TemporaryDirectory() as folder:
    for what, data in broken_files.items():
        path = Path(folder) / "broken.tsv"
        path.write_bytes(data)
        try:
            load_pairs(path)
            print(f"{what:26s} → 居然读进来了？！")
        except MinimtError as error:  # 在命令行上：stderr 上一行信息，退出状态 2
            print(f"{what:26s} → {str(error).replace(folder + os.sep, '')}")

# %% [markdown]
# 在命令行上，同样的检查由 `minimt data check FILE` 执行：文件没问题就打印它的大小，
# 否则以状态 2 退出，并打印那一行信息。

# %% [markdown]
# ## 5. 真实语料：Tatoeba
#
# 我们的内置语料小而规整，所以在笔记本电脑上几分钟就能学会。
# 想要真实的句子，minimt 可以下载 manythings.org 发布的 Tatoeba 英法句对
# （约 170,000 对，CC-BY 2.0 FR 许可——分享时请保留署名
# “tatoeba.org and manythings.org/anki”）：
#
#     minimt data tatoeba            # 下载 fra-eng.zip，逐行检查，再划分
#
# 它把同样格式的 `train/valid/test.tsv` 写进缓存文件夹，和我们的语料一样按英文句子划分，
# 之后的每一课都接受这样的文件。

# %%
tatoeba_train = cache_dir() / "tatoeba" / "train.tsv"
if tatoeba_train.exists() and not FAST:
    real = load_pairs(tatoeba_train)
    print(f"你已经下载了 Tatoeba：{len(real):,} 个训练句对，例如", real[len(real) // 2])
else:
    print(f"还没有下载（{tatoeba_train}）；联网时运行 `minimt data tatoeba`")

# %% [markdown]
# ## 动手试试
#
# - `valid` 里哪个英文句子的译法最多？把它们打印出来。
# - 做一个法文那边*含有*制表符的文件（三列）。`load_pairs` 保留了什么？
#   为什么对 Tatoeba 文件来说这样做是对的？
# - 改成统计每句的*字符数*而不是词数。法文还是更长吗？
#
# 下一课：第 02 课用 minimt 自己训练的分词器（tokenizer），把这些字符串变成子词片段和 ID。

# %% [markdown]
# ## 练习
#
# 没有专门针对本课的练习：本课读入的句对是所有练习的输入。最前面的几个练习——
# `minimt exercises start 1`（第 02 课）和 2–4（第 03 课）——都从你在这里见到的文章句对出发。
