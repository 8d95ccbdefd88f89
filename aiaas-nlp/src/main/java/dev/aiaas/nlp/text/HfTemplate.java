package dev.aiaas.nlp.text;

import java.util.List;

/**
 * A post-processor: where the special tokens go around one text or a pair ({@code
 * TemplateProcessing}; {@code BertProcessing} is {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B
 * [SEP]} with B's part of type 1; {@code RobertaProcessing} is {@code <s> A </s>} and {@code <s> A
 * </s> </s> B </s>}, all of type 0).
 *
 * @param single the pieces for one text
 * @param pair the pieces for a pair
 */
record HfTemplate(List<Piece> single, List<Piece> pair) {

  HfTemplate {
    single = List.copyOf(single);
    pair = List.copyOf(pair);
  }

  /**
   * One piece: a text ({@code sequence} 0 for A, 1 for B) or special tokens ({@code sequence} -1)
   * with their ids and strings, all of type {@code typeId}.
   */
  record Piece(int sequence, int typeId, int[] ids, List<String> tokens) {
    Piece {
      ids = ids.clone();
      tokens = List.copyOf(tokens);
    }

    static Piece text(int sequence, int typeId) {
      return new Piece(sequence, typeId, new int[0], List.of());
    }

    static Piece special(int id, String token, int typeId) {
      return new Piece(-1, typeId, new int[] {id}, List.of(token));
    }
  }

  /** The number of special tokens the template adds. */
  int added(boolean isPair) {
    int n = 0;
    for (Piece p : isPair ? pair : single) {
      n += p.sequence() < 0 ? p.ids().length : 0;
    }
    return n;
  }

  static HfTemplate bert(int clsId, String cls, int sepId, String sep) {
    return new HfTemplate(
        List.of(Piece.special(clsId, cls, 0), Piece.text(0, 0), Piece.special(sepId, sep, 0)),
        List.of(Piece.special(clsId, cls, 0), Piece.text(0, 0), Piece.special(sepId, sep, 0),
            Piece.text(1, 1), Piece.special(sepId, sep, 1)));
  }

  static HfTemplate roberta(int clsId, String cls, int sepId, String sep) {
    return new HfTemplate(
        List.of(Piece.special(clsId, cls, 0), Piece.text(0, 0), Piece.special(sepId, sep, 0)),
        List.of(Piece.special(clsId, cls, 0), Piece.text(0, 0), Piece.special(sepId, sep, 0),
            Piece.special(sepId, sep, 0), Piece.text(1, 0), Piece.special(sepId, sep, 0)));
  }
}
