# Reference values for bench/outcome/naive-bayes.ts: scikit-learn MultinomialNB(alpha=1) on a small weighted corpus.
# python3 -m venv /tmp/v && /tmp/v/bin/pip install scikit-learn numpy && /tmp/v/bin/python bench/outcome/naive-bayes-reference.py > bench/outcome/naive-bayes.reference.json
# (computed with scikit-learn 1.9.1, numpy 2.4.6)
import re, json, numpy as np
from sklearn.naive_bayes import MultinomialNB
TOKEN = re.compile(r"[a-z0-9$!][a-z0-9$!'_-]{1,30}")
def toks(subject, body): return ['s:'+t for t in TOKEN.findall(subject.lower())] + TOKEN.findall(body.lower())
train = [
 ("Cheap meds NOW!!!", "Buy cheap meds online, no prescription. Click here $$$", "spam", 1.0),
 ("Meeting tomorrow", "Can we move the meeting to 10am? Thanks, Bob", "ham", 1.0),
 ("You WON a prize", "Claim your prize now: click the link, free money!!!", "spam", 2.5),
 ("Re: patch for the build", "The patch fixes the build on gcc-12; see the diff below.", "ham", 0.4),
 ("Newsletter: weekly deals", "This week's deals: 20% off garden tools. Unsubscribe here.", "ham", 3.0),
 ("free offer", "free free free offer, limited time, act now", "spam", 0.0),
 ("lunch?", "lunch at noon? the usual place", "ham", 1.0),
]
test = [
 ("free prize", "click now for free money"),
 ("build meeting", "the patch and the meeting, thanks"),
 ("weekly deals", "20% off, unsubscribe, click here"),
 ("", "nothing known here zzz"),
]
vocab = sorted({t for s,b,_,_ in train for t in toks(s,b)})
idx = {t:i for i,t in enumerate(vocab)}
def vec(s,b):
  v = np.zeros(len(vocab))
  for t in toks(s,b):
    if t in idx: v[idx[t]] += 1
  return v
X = np.array([vec(s,b) for s,b,_,_ in train]); y = [l for _,_,l,_ in train]; w = [x for *_,x in train]
m = MultinomialNB(alpha=1.0).fit(X, y, sample_weight=w)
spam = list(m.classes_).index('spam')
out = {"train": [dict(subject=s, body=b, label=l, weight=x) for s,b,l,x in train],
       "test": [dict(subject=s, body=b, pSpam=float(m.predict_proba([vec(s,b)])[0][spam])) for s,b in test]}
print(json.dumps(out, indent=2))
