package org.cassl.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cassl.tensor.Generator;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** Sample = (index, a random draw from the sample's generator). */
    record Item(int index, long draw) {
    }

    static final Dataset<Item> DS = new Dataset<>() {
        @Override
        public int size() {
            return 23;
        }

        @Override
        public Item get(int index, Generator rng) {
            return new Item(index, rng.nextLong());
        }
    };

    static List<Item> take(DataLoader<Item> l, int batches) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            out.addAll(l.next());
        }
        return out;
    }

    @Test
    void sameSeedSameBatchesWhateverTheWorkerCount() {
        try (DataLoader<Item> a = new DataLoader<>(DS, 4, true, false, 7, 0, 1, LoaderPosition.START);
             DataLoader<Item> b = new DataLoader<>(DS, 4, true, false, 7, 3, 4, LoaderPosition.START)) {
            assertEquals(take(a, 20), take(b, 20));
        }
    }

    @Test
    void eachEpochIsAPermutationAndEpochsDiffer() {
        try (DataLoader<Item> l = new DataLoader<>(DS, 5, true, false, 1, 2, 2, LoaderPosition.START)) {
            assertEquals(5, l.batchesPerEpoch());
            List<Item> e0 = take(l, 5);
            List<Item> e1 = take(l, 5);
            Set<Integer> idx = new HashSet<>();
            e0.forEach(i -> idx.add(i.index()));
            assertEquals(23, idx.size());
            assertEquals(23, e0.size());
            assertNotEquals(e0.stream().map(Item::index).toList(), e1.stream().map(Item::index).toList());
            assertEquals(new LoaderPosition(2, 0), l.position());
        }
    }

    @Test
    void resumingFromAPositionContinuesExactly() {
        List<Item> full;
        try (DataLoader<Item> l = new DataLoader<>(DS, 4, true, true, 3, 2, 2, LoaderPosition.START)) {
            full = take(l, 17);
        }
        LoaderPosition mid;
        List<Item> first;
        try (DataLoader<Item> l = new DataLoader<>(DS, 4, true, true, 3, 2, 2, LoaderPosition.START)) {
            first = take(l, 9);
            mid = l.position();
        }
        try (DataLoader<Item> l = new DataLoader<>(DS, 4, true, true, 3, 1, 3, mid)) {
            first.addAll(take(l, 8));
        }
        assertEquals(full, first);
    }

    @Test
    void workerFailureSurfacesInNext() {
        Dataset<Item> bad = new Dataset<>() {
            @Override
            public int size() {
                return 3;
            }

            @Override
            public Item get(int index, Generator rng) {
                throw new ImageReadException("cannot decode image x.png");
            }
        };
        try (DataLoader<Item> l = new DataLoader<>(bad, 2, false, false, 0, 2, 2, LoaderPosition.START)) {
            ImageReadException e = assertThrows(ImageReadException.class, l::next);
            assertEquals("cannot decode image x.png", e.getMessage());
        }
    }
}
