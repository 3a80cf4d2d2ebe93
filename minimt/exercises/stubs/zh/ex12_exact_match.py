"""练习 12 —— 完全匹配准确率：不用 BLEU 的评估（第 09 课）。

检查你的答案：   minimt exercises check 12      （加上 --hint 可以看提示）
"""


def exact_match(hypotheses, references):
    """规范化空格之后，与参考译文完全相同的候选译文所占的比例。

    ``hypotheses`` 和 ``references`` 是等长的字符串列表（一个列表的第 i 句和另一个列表的
    第 i 句配对）。两个句子在做完下面的处理后相等，就算匹配：
      - 法语排版在 ? ! : ; 前面放的不换行空格（U+00A0 和 U+202F）变成 ' '；
      - 连续的空格合并成一个，去掉两端的空格。
    其他一概不改：大小写和标点都算数。返回 [0, 1] 之间的 float。
    如果两个列表长度不同或者为空，抛出 ValueError。

    示例：
        exact_match(["Comment ça va\\u202f?", "je suis fatigué."],
                    ["Comment ça va ?",       "Je suis fatigué."])  == 0.5
    （把窄不换行空格换成普通空格后，第一对就匹配了；"je" 不等于 "Je"。）
    完全匹配很苛刻 —— 差一个词就得 0 分 —— 所以机器翻译用 BLEU 和 chrF；但它不需要任何库，
    每一分都容易解释。（minimt.evaluate.normalize 用 NFKC 做同样的规范化，
    它还会展开连字和全角字符。）
    """
    raise NotImplementedError
