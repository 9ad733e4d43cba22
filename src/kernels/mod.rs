//! SGD kernels (LR, SVM, k-means, MLP) and the distributed algorithms that drive them (GA-SGD, MA-SGD, ADMM).
