"""练习 21 —— 手写语料级 chrF：字符 n 元语法，召回率的权重是两倍（第 09 课）。

检查你的答案：   minimt exercises check 21      （加上 --hint 可以看提示）
"""
from collections import Counter


def corpus_chrf(hypotheses, references):
    """整个测试集的 chrF，范围 0..100 —— sacreBLEU 默认的 chrF（chrF2）。

    ``hypotheses[i]`` 是第 i 句的翻译，``references[i]`` 是它唯一的参考译文。
    chrF 看的是字符，不是词，所以 "chats" 对 "chat" 仍然能得分：

      1. 去掉所有空格："le chat" → "lechat"（``"".join(text.split())``）；
      2. 对 n = 1..6，取每个句子的字符 n 元语法（"lechat" 的 2 元语法是
         le、ec、ch、ha、at）；统计截断后的匹配数（一个 n 元语法最多按参考译文里
         出现的次数算匹配）、候选译文的 n 元语法数和参考译文的 n 元语法数，在整个语料上求和；
      3. 对每个 n：P_n = 匹配数 / 候选译文的 n 元语法数，R_n = 匹配数 / 参考译文的 n 元语法数
         （如果语料里某一阶没有候选译文或参考译文的 n 元语法，就略过这一阶）；
      4. 先取平均：P = 各 P_n 的平均，R = 各 R_n 的平均；
      5. chrF = 100 * (1 + β²) P R / (β² P + R)，β = 2（召回率的分量是精确率的 2 倍）；
         P + R == 0 时为 0.0。

    示例：
        corpus_chrf(["le chat"], ["les chats"])  ≈ 32.86
    "lechat"（6 个字母）对 "leschats"（8 个）。各阶的匹配数：6、4（le ch ha at）、2（cha hat）、
    1（chat）、0、0 —— 候选译文各有 6、5、4、3、2、1 个 n 元语法，参考译文各有 8、7、6、5、4、3 个。
    P = (6/6 + 4/5 + 2/4 + 1/3 + 0 + 0) / 6 = 0.4389，R = (6/8 + 4/7 + 2/6 + 1/5 + 0 + 0) / 6
    = 0.3091，chrF = 100 · 5 · P · R / (4 · P + R) = 32.86。（这里 BLEU 是 0：没有一个词匹配。）
    """
    raise NotImplementedError
