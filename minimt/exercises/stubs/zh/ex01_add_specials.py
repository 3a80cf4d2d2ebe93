"""练习 1 —— 编码一个句对，并加上特殊词元（第 02 课）。

检查你的答案：   minimt exercises check 1      （加上 --hint 可以看提示）
"""


def add_specials(tokenizer, english, french):
    """把一个句对变成翻译模型训练所用的三个 ID 列表。

    ``tokenizer.encode(text)`` 给出一个句子的 ID，不含特殊词元（special token）；
    ``tokenizer.bos_id`` 和 ``tokenizer.eos_id`` 是句首（BOS）和句尾（EOS）的 ID。
    返回一个由三个整数列表组成的元组：

        input_ids          = 英语 ID + [EOS]      编码器（encoder）读的内容（minimt 里没有 BOS）
        decoder_input_ids  = [BOS] + 法语 ID      解码器（decoder）读的内容
        labels             = 法语 ID + [EOS]      解码器必须预测的内容，即标签（labels）

    示例，用课程里的分词器（Tokenizer.default()，第 02–03 课）：bos_id=2，
    eos_id=3，encode("How are you?") = [306, 90, 145, 3944]，
    encode("Comment ça va ?") = [2371, 2731, 248, 26]：

        input_ids          = [306, 90, 145, 3944, 3]
        decoder_input_ids  = [2, 2371, 2731, 248, 26]
        labels             = [2371, 2731, 248, 26, 3]

    decoder_input_ids 的第 t 个位置是解码器已经读到的内容；labels 的第 t 个位置是它接下来
    必须说出的词元。特殊词元的 ID 要从分词器读取：不要写 2 或 3。
    """
    raise NotImplementedError
